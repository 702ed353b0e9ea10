// `nexatron ask` in a terminal: reads POST /api/v1/query/stream (server-sent
// events) and prints the answer as a table while rows arrive, so a long
// result shows its first rows at once instead of after the last one.
// Column widths come from the header and the first batch of rows: later rows
// are cut to those widths (with …) because lines already printed cannot move.

export interface SseEvent { event: string; data: string }

/** Parses a text/event-stream body into events (comments such as keep-alives are skipped). */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = 'message'
  let data: string[] = []
  const flushLine = function* (line: string): Generator<SseEvent> {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') }
      event = 'message'
      data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
      yield* flushLine(line)
    }
  }
  buffer += decoder.decode()
  if (buffer) yield* flushLine(buffer)
  yield* flushLine('')
}

const MAX_WIDTH = 40

// What a terminal acts on rather than prints: C0 controls (ESC starts clipboard
// writes, cursor moves, hidden text; CR and LF forge or overwrite lines), DEL,
// C1 (U+009B is a one-character CSI) and the bidi overrides that reorder text.
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const TERMINAL_CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const visible = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * Text from the warehouse or a model, safe to print on a terminal: its
 * controls shown as `\u001b`-style escapes. `lines` keeps newlines (a
 * summary's paragraphs); a table cell or column name keeps none.
 */
export function printable(text: string, opts: { lines?: boolean } = {}): string {
  return text.replace(opts.lines ? TERMINAL_CONTROLS_BUT_NEWLINE : TERMINAL_CONTROLS, visible)
}

function cell(v: unknown): string {
  return printable(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))
}

/** An aligned text table printed batch by batch (numbers right-aligned, decided on the first batch). */
export class StreamingTable {
  private widths: number[] = []
  private numeric: boolean[] = []
  private started = false
  rowCount = 0

  constructor(private readonly columns: string[], private readonly write: (s: string) => void) {}

  addRows(rows: unknown[][]): void {
    if (rows.length === 0) return
    if (!this.started) this.start(rows)
    for (const r of rows) this.write(this.line(r.map(cell)))
    this.rowCount += rows.length
  }

  /** Prints the header alone when no row ever came. */
  finish(): void {
    if (!this.started) this.start([])
  }

  private start(rows: unknown[][]): void {
    this.started = true
    this.widths = this.columns.map((c, i) => Math.min(MAX_WIDTH, Math.max(c.length, ...rows.map((r) => cell(r[i]).length))))
    this.numeric = this.columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null))
    this.write(this.line(this.columns))
    this.write(`${this.widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  }

  private line(texts: string[]): string {
    const fit = (t: string, w: number) => (t.length > w ? `${t.slice(0, w - 1)}…` : t)
    return `${texts.map((t, i) => (this.numeric[i] ? fit(t, this.widths[i]).padStart(this.widths[i]) : fit(t, this.widths[i]).padEnd(this.widths[i]))).join('  ').trimEnd()}\n`
  }
}

/** A spinner on a TTY stream while the server plans; a no-op elsewhere (pipes, CI logs). */
export function startSpinner(stream: NodeJS.WriteStream, text: string): () => void {
  if (!stream.isTTY) return () => {}
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let i = 0
  const draw = () => stream.write(`\r${frames[i++ % frames.length]} ${text}`)
  draw()
  const timer = setInterval(draw, 80)
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    stream.write(`\r${' '.repeat(text.length + 2)}\r`)
  }
}

export interface StreamOutcome { rowCount: number; summary?: string; truncated?: boolean; error?: string }

/**
 * Prints a streamed answer: the table as rows come, then the summary. The
 * spinner stops at the first event that is not planning work (columns, rows
 * or an error), so it never interleaves with the table.
 */
export async function printStreamedAnswer(events: AsyncIterable<SseEvent>, write: (s: string) => void, stopSpinner: () => void): Promise<StreamOutcome> {
  let table: StreamingTable | undefined
  const out: StreamOutcome = { rowCount: 0 }
  try {
    for await (const ev of events) {
      const data = ev.data ? JSON.parse(ev.data) as unknown : undefined
      switch (ev.event) {
        case 'columns': {
          stopSpinner()
          const cols = (data as { columns: Array<{ name: string }> }).columns
          table = new StreamingTable(cols.map((c) => printable(String(c.name))), write)
          break
        }
        case 'rows':
          stopSpinner()
          table?.addRows(data as unknown[][])
          break
        case 'summary':
          out.summary = printable(String((data as { summary: string }).summary), { lines: true })
          break
        case 'done':
          out.truncated = (data as { truncated?: boolean }).truncated
          break
        case 'error':
          stopSpinner()
          out.error = printable(String((data as { error?: { message?: string } }).error?.message ?? 'unknown error'))
          break
      }
    }
  } finally {
    stopSpinner()
  }
  table?.finish()
  out.rowCount = table?.rowCount ?? 0
  if (out.error === undefined && out.summary) write(`\n${out.summary}\n`)
  if (out.error === undefined && out.truncated) write('(truncated: the server stopped at its row limit)\n')
  return out
}
