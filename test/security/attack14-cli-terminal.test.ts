// Attack: a hostile warehouse writes to the analyst's terminal. `nexatron ask`
// prints the streamed answer as a table on the terminal; the cells, column
// names, summary and error text are the warehouse's (or a model's that read
// the warehouse's) words. Printed raw, an ESC sequence in a value could set the
// terminal's clipboard (OSC 52), retitle it, hide or recolour text, move the
// cursor to overwrite lines already printed; a newline or carriage return
// could forge rows the query never returned. Every such character must reach
// the terminal as a visible escape, never as a control.
import { describe, expect, it } from 'vitest'
import { printStreamedAnswer, type SseEvent } from '../../src/cli/stream-answer'

const ESC = '\u001b'
const HOSTILE = [
  `${ESC}]52;c;cm0gLXJmIH4K${ESC}\\`, // OSC 52: write the clipboard
  `${ESC}[2J${ESC}[H`, // clear the screen, cursor home
  `ok\r${ESC}[1Aforged`, // back over the line above
  'EU\nFAKE    999999', // a forged row
  '\u009b31m', // C1 CSI
  'abc\u202Egnp.exe', // right-to-left override
]

async function* events(list: Array<[string, unknown]>): AsyncGenerator<SseEvent> {
  for (const [event, data] of list) yield { event, data: JSON.stringify(data) }
}

async function printed(list: Array<[string, unknown]>): Promise<string> {
  const out: string[] = []
  await printStreamedAnswer(events(list), (s) => out.push(s), () => {})
  return out.join('')
}

// Controls a terminal acts on: C0 but the table's own newlines, DEL, C1, and bidi overrides.
const controlsBut = (text: string) => text.replace(/\n/g, '').match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g) ?? []

describe('attack: warehouse text reaching the terminal of `nexatron ask`', () => {
  it('prints hostile cells and column names as visible escapes, one table line per row', async () => {
    const text = await printed([
      ['columns', { columns: [{ name: `region${ESC}]0;pwned${ESC}\\` }, { name: 'n' }] }],
      ['rows', HOSTILE.map((v, i) => [v, i])],
      ['summary', { summary: `All fine.${ESC}[8m hidden` }],
      ['done', { truncated: false }],
    ])
    expect(controlsBut(text)).toEqual([])
    // A header, a rule, one line per row, then the summary after a blank line.
    const lines = text.split('\n')
    expect(lines.slice(0, 2 + HOSTILE.length).every((l) => l.length > 0)).toBe(true)
    expect(lines[2 + HOSTILE.length]).toBe('')
    expect(text).toContain('All fine.')
    expect(text).not.toContain('FAKE    999999\n')
  })

  it('keeps the error text of a failed stream free of controls', async () => {
    const out: string[] = []
    const outcome = await printStreamedAnswer(events([['error', { error: { message: `boom${ESC}]52;c;eA==${ESC}\\` } }]]), (s) => out.push(s), () => {})
    expect(controlsBut(outcome.error ?? '')).toEqual([])
  })

  it('still prints plain text as it is (control)', async () => {
    const text = await printed([['columns', { columns: [{ name: 'region' }] }], ['rows', [['Zürich — café']]], ['summary', { summary: 'Two\nlines' }]])
    expect(text).toContain('Zürich — café')
    expect(text).toContain('Two\nlines')
  })
})
