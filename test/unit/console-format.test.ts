// The console's table formatting and sorting (console/src/format.ts) and its
// SSE reader (console/src/sse.ts).
import { describe, expect, it } from 'vitest'
import { columnLabel, compareCells, formatCell, formatNumber } from '../../console/src/format'
import { readEvents } from '../../console/src/sse'
import { formatValue } from '../../src/planner/summary'

describe('table formatting', () => {
  const metric = { name: 'total_sales', type: 'decimal', json_type: 'number', kind: 'metric', format: { type: 'currency', currency: 'USD', decimals: 2 } } as const
  it('formats metric cells with the metric format, like the summary sentence', () => {
    for (const [v, f] of [[1234.5, metric.format], [0.1234, { type: 'percent', decimals: 1 }], [1234567, { type: 'number', decimals: 0 }], [1234.5, { type: 'currency', currency: 'EUR' }]] as const) {
      expect(formatNumber(v, f)).toBe(formatValue(v, f))
    }
    expect(formatCell(1234.5, metric)).toBe('$1,234.50')
    expect(formatCell('1234.5', metric)).toBe('$1,234.50')
    expect(formatCell(null, metric)).toBe('—')
  })

  it('keeps dimension values and ids as their exact text', () => {
    const dim = { name: 'order_id', type: 'bigint', json_type: 'string', kind: 'dimension' }
    expect(formatCell('9007199254740993', dim)).toBe('9007199254740993')
    expect(formatCell('<img src=x>', { name: 'r', type: 'string', json_type: 'string' })).toBe('<img src=x>')
    expect(formatCell('2026-01-01T00:00:00.000Z', { name: 'metric_time__month', type: 'date', json_type: 'string', kind: 'time_dimension', grain: 'month' })).toBe('2026-01-01')
  })

  it('sorts numbers numerically, text naturally, and empty cells last', () => {
    expect([10, 9, null, 100].sort(compareCells)).toEqual([9, 10, 100, null])
    expect(['b2', 'b10', 'a'].sort(compareCells)).toEqual(['a', 'b2', 'b10'])
    expect(['10.5', '9'].sort(compareCells)).toEqual(['9', '10.5'])
  })

  it('labels columns without a label by their name in words', () => {
    expect(columnLabel({ name: 'store__region' })).toBe('Store region')
    expect(columnLabel({ name: 'x', label: 'Revenue' })).toBe('Revenue')
  })
})

describe('the SSE reader', () => {
  it('yields events split across chunks, ignoring comments', async () => {
    const text = ': keep-alive\n\nevent: rows\nid: 1\ndata: [[1]]\n\nevent: done\r\ndata: {"a":\r\ndata: 1}\r\n\r\n'
    const bytes = new TextEncoder().encode(text)
    const body = new ReadableStream<Uint8Array>({
      start(c) { for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7)); c.close() },
    })
    const events = []
    for await (const e of readEvents(body)) events.push(e)
    expect(events).toEqual([{ event: 'rows', data: '[[1]]', id: '1' }, { event: 'done', data: '{"a":\n1}', id: undefined }])
  })
})
