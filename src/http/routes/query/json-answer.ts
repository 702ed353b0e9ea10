// The JSON answer of POST /query, written as the rows arrive instead of built
// whole in memory: one user's million-row answer must not grow the process by
// gigabytes. Everything that can fail before the first row (planning,
// compiling, the guard, connecting) still answers with its own status: the
// stream is only committed to 200 once the first rows (or the end) are here.
// A short answer (most: one aggregate, a few dozen rows) is sent whole, with a
// Content-Length, in one write; only a longer one is streamed.
// Fields come in this order: id, question, conversation_id, connection_id,
// created_at, plan, explanation, sql, params, sql_inline, columns, data, summary, row_count,
// truncated, execution_time_ms, chart, cache, status (`cache`: hit, miss or off, also
// sent as the X-Nexatron-Cache header). A failure after the rows have started
// ends the document with "status":"failed" and "error" (the error envelope's
// body) instead: a client reads `status` last.
import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { AppError, errorBody } from '../../errors'
import { toAppError } from '../../../error-mapping'
import type { PreparedRun, RunEvent } from '../../../query/query-runner'
import { rowObject, type ResultColumn } from '../../../query/result-columns'
import { startSpan } from '../../../ops/spans'

export async function streamJsonAnswer(c: Context<AppEnv>, run: PreparedRun, question: string | undefined, events: AsyncGenerator<RunEvent>, requestId: string) {
  const head: Record<string, unknown> = {
    id: run.id, question: question ?? null, conversation_id: run.conversationId, connection_id: run.connection.id,
    created_at: run.record.createdAt.toISOString(),
  }
  let columns: ResultColumn[] = []
  let cache: string | undefined
  // Pull events up to the first rows (or the end): errors before that are thrown here, with their status.
  const early: RunEvent[] = []
  for (;;) {
    const next = await events.next()
    if (next.done) break
    const ev = next.value
    if (ev.type === 'plan') { head.plan = ev.plan; head.explanation = ev.explanation }
    else if (ev.type === 'sql') { head.sql = ev.sql; head.params = ev.params; head.sql_inline = ev.sql_inline; cache = ev.cache }
    else if (ev.type === 'columns') columns = ev.columns
    else { early.push(ev); break }
  }
  c.header('Content-Type', 'application/json; charset=utf-8')
  c.header('X-Nexatron-Query-Id', run.id)
  if (cache) c.header('X-Nexatron-Cache', cache)
  // An answer that ends within INLINE_BYTES goes out whole, with a length, in
  // one write; a longer one streams from there on (what is held stays bounded).
  const pieces = answerDocument({ ...head, columns }, early, events, requestId)
  const held: string[] = []
  let size = 0
  for (;;) {
    const next = await pieces.next()
    if (next.done) return c.body(held.join(''))
    held.push(next.value)
    size += next.value.length
    if (size >= INLINE_BYTES) break
  }
  return stream(c, async (s) => {
    await s.write(held.join(''))
    held.length = 0
    // Each write waits for the client: a slow reader stops us pulling rows from the database.
    for await (const piece of pieces) await s.write(piece)
  }, async () => { /* errors are written into the document and recorded in history */ }) as never
}

/** Characters of answer held before it is streamed instead of sent whole (a few batches of a typical answer). */
const INLINE_BYTES = 64 * 1024

/** The answer document, in pieces: the head and columns, each batch of rows, then the tail (or the failure). */
async function* answerDocument(head: Record<string, unknown> & { columns: ResultColumn[] }, early: RunEvent[], events: AsyncGenerator<RunEvent>, requestId: string): AsyncGenerator<string> {
  const json = JSON.stringify
  let columns = head.columns
  yield `${json(head).slice(0, -1)},"data":[`
  let first = true
  const tail: Record<string, unknown> = {}
  // The `stream` span times sending the rows (the client's reading included: writes wait for it).
  const streamSpan = startSpan('stream', { attributes: { 'nexatron.format': 'json' } })
  try {
    const pending = (async function* () { yield* early; yield* events })()
    for await (const ev of pending) {
      if (ev.type === 'columns') columns = ev.columns
      else if (ev.type === 'rows' && ev.rows.length) {
        // One stringify per batch, brackets cut off: the same bytes as one per row joined by commas, with less work per row.
        const text = json(ev.rows.map((r) => rowObject(columns, r))).slice(1, -1)
        yield first ? text : `,${text}`
        first = false
      } else if (ev.type === 'summary') tail.summary = ev.summary
      else if (ev.type === 'done') Object.assign(tail, { row_count: ev.row_count, truncated: ev.truncated, execution_time_ms: ev.execution_time_ms, chart: ev.chart ?? null, cache: ev.cache })
    }
    yield `],${json({ summary: null, ...tail, status: 'succeeded' }).slice(1)}`
  } catch (err) {
    const appErr = toAppError(err) ?? new AppError('internal_error', 'internal error')
    yield `],${json({ ...tail, status: 'failed', error: errorBody(appErr, requestId).error }).slice(1)}`
  } finally {
    streamSpan.end()
  }
}
