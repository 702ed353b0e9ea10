// `nexatron ask` prints a streamed answer: SSE parsing across chunk borders,
// rows written as each batch arrives (before the stream ends), and an error
// event after rows reported without losing the rows already shown.
import { describe, expect, it } from 'vitest'
import { printStreamedAnswer, readSse, StreamingTable, type SseEvent } from '../../src/cli/stream-answer'

const enc = new TextEncoder()
async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> { for (const p of parts) yield enc.encode(p) }
async function collect(it: AsyncIterable<SseEvent>): Promise<SseEvent[]> { const out: SseEvent[] = []; for await (const e of it) out.push(e); return out }

describe('readSse', () => {
  it('splits events across chunk borders, joins multi-line data and skips keep-alive comments', async () => {
    const events = await collect(readSse(chunks('event: col', 'umns\nid: 1\ndata: {"a":', '1}\n\n: keep-alive\n\nevent: rows\r\ndata: [[1]]\r\ndata: \r\n\r\n', 'event: done\ndata: {}')))
    expect(events).toEqual([
      { event: 'columns', data: '{"a":1}' },
      { event: 'rows', data: '[[1]]\n' },
      { event: 'done', data: '{}' },
    ])
  })
})

describe('StreamingTable', () => {
  it('sizes columns on the first batch, right-aligns numbers and cuts later long cells with an ellipsis', () => {
    const out: string[] = []
    const t = new StreamingTable(['region', 'total_sales'], (s) => out.push(s))
    t.addRows([['West', 1200.5], ['East', 80]])
    t.addRows([['Far North-Eastern Territories', 3]])
    expect(out.join('')).toBe([
      'region  total_sales',
      '------  -----------',
      'West         1200.5',
      'East             80',
      'Far N…            3',
      '',
    ].join('\n'))
    expect(t.rowCount).toBe(3)
  })
})

describe('printStreamedAnswer', () => {
  it('writes each batch of rows before the next event arrives, then the summary', async () => {
    const out: string[] = []
    let seenBeforeSecondBatch = ''
    let spinnerStops = 0
    async function* events(): AsyncGenerator<SseEvent> {
      yield { event: 'plan', data: '{}' }
      yield { event: 'columns', data: JSON.stringify({ columns: [{ name: 'store__region' }, { name: 'total_sales' }] }) }
      yield { event: 'rows', data: JSON.stringify([['West', 10]]) }
      seenBeforeSecondBatch = out.join('')
      yield { event: 'rows', data: JSON.stringify([['East', 7]]) }
      yield { event: 'summary', data: JSON.stringify({ summary: 'West leads.' }) }
      yield { event: 'done', data: JSON.stringify({ truncated: false }) }
    }
    const outcome = await printStreamedAnswer(events(), (s) => out.push(s), () => { spinnerStops++ })
    expect(seenBeforeSecondBatch).toMatch(/West\s+10/)
    expect(seenBeforeSecondBatch).not.toMatch(/East/)
    expect(out.join('')).toMatch(/East\s+7\n\nWest leads\.\n$/)
    expect(outcome).toMatchObject({ rowCount: 2, summary: 'West leads.' })
    expect(spinnerStops).toBeGreaterThan(0)
  })

  it('keeps the rows shown and returns the error of an error event, without a summary', async () => {
    const out: string[] = []
    async function* events(): AsyncGenerator<SseEvent> {
      yield { event: 'columns', data: JSON.stringify({ columns: [{ name: 'n' }] }) }
      yield { event: 'rows', data: JSON.stringify([[1], [2]]) }
      yield { event: 'error', data: JSON.stringify({ error: { code: 'query_timeout', message: 'the query ran past 30s' } }) }
    }
    const outcome = await printStreamedAnswer(events(), (s) => out.push(s), () => {})
    expect(outcome).toMatchObject({ rowCount: 2, error: 'the query ran past 30s' })
    expect(out.join('')).toBe('n\n-\n1\n2\n')
  })

  it('prints the header of an answer without rows', async () => {
    const out: string[] = []
    async function* events(): AsyncGenerator<SseEvent> {
      yield { event: 'columns', data: JSON.stringify({ columns: [{ name: 'total_sales' }] }) }
      yield { event: 'summary', data: JSON.stringify({ summary: 'No sales.' }) }
    }
    await printStreamedAnswer(events(), (s) => out.push(s), () => {})
    expect(out.join('')).toBe('total_sales\n-----------\n\nNo sales.\n')
  })
})
