// `chart` on answers: the JSON answer and the stream's `done` event carry the
// same Vega-Lite spec, chosen from the result's shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => new Date('2026-11-23T12:00:00Z') }) })
afterAll(async () => { await t?.close() })

describe('chart on answers', () => {
  it('draws a single figure as a big number with its rows inline', async () => {
    const body = await (await t.request('POST', '/api/v1/query', { body: { question: 'total sales last quarter' } })).json()
    expect(body.chart.mark.type).toBe('text')
    expect(body.chart.data.values).toEqual(body.data)
    expect(body.chart.encoding.text).toMatchObject({ field: 'total_sales', format: '$,.2f' })
    expect(Object.keys(body).slice(-3)).toEqual(['chart', 'cache', 'status'])
  })

  it('sends the same spec in the stream\'s done event as in the JSON answer', async () => {
    const json = await (await t.request('POST', '/api/v1/query', { body: { question: 'sales by region last quarter' } })).json()
    expect(json.chart.mark.type).toBe('bar')
    const text = await (await t.request('POST', '/api/v1/query/stream', { body: { question: 'sales by region last quarter' } })).text()
    const done = /event: done\ndata: (.*)\n/.exec(text)![1]
    expect(JSON.parse(done).chart).toEqual(json.chart)
  })

  it('answers null where no chart fits', async () => {
    const body = await (await t.request('POST', '/api/v1/query', { body: { question: 'daily sales by product', max_rows: 20000 } })).json()
    expect(body.row_count).toBeGreaterThan(1000)
    expect(body.chart).toBeNull()
  })
})
