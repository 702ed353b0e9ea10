// "Right or refused, never confidently wrong": questions the offline planner
// used to answer with a confident wrong plan are now refused (422
// question_not_understood) or asked back (422 ambiguous_question with
// candidates), through /api/v1/query and /api/v1/query/stream alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const ask = (question: string) => t.request('POST', '/api/v1/query', { body: { question } })
const askStream = (question: string) => t.request('POST', '/api/v1/query/stream', { body: { question } })

/** Both endpoints answer the same status and JSON envelope before any row exists. */
async function refusedBoth(question: string, code: string) {
  const res = await ask(question)
  expect(res.status).toBe(422)
  const body = await res.json()
  expect(body.error.code).toBe(code)
  const sse = await askStream(question)
  expect(sse.status).toBe(422)
  expect(sse.headers.get('content-type')).toContain('application/json')
  const sseBody = await sse.json()
  expect(sseBody.error.code).toBe(code)
  expect(sseBody.error.message).toBe(body.error.message)
  return body.error as { code: string; message: string; details: Array<Record<string, unknown>> }
}

describe('trust: right or refused, never confidently wrong', () => {
  it('does not turn a word that is only part of a value into a filter ("new" is not New York)', async () => {
    const err = await refusedBoth('how many new customers signed up', 'question_not_understood')
    expect(err.message).not.toMatch(/New York/)
  })

  it('refuses a question whose meaningful word it cannot place ("net sales" is not gross sales)', async () => {
    const err = await refusedBoth('net sales last month', 'question_not_understood')
    expect(err.message).toMatch(/"net"/)
  })

  it('refuses an aggregation word it cannot honour ("the largest order amount" is not a SUM)', async () => {
    const err = await refusedBoth('the largest order amount', 'question_not_understood')
    expect(err.message).toMatch(/"largest"/)
  })

  it('refuses "orders shipped last week" instead of filtering on a status', async () => {
    await refusedBoth('orders shipped last week', 'question_not_understood')
  })

  it('asks back with ready-to-run candidates when it is not sure, instead of answering', async () => {
    const err = await refusedBoth('units of headphones sold this year', 'ambiguous_question')
    const candidates = err.details[0].candidates as Array<{ id: string; phrase: string; plan: { metrics: string[] } }>
    expect(candidates.length).toBeGreaterThanOrEqual(1)
    expect(candidates.length).toBeLessThanOrEqual(5)
    expect(candidates[0].id).toMatch(/^int_/)
    expect(candidates[0].plan.metrics).toEqual(['units_sold'])
    expect(candidates[0].phrase).toMatch(/units_sold/)
  })

  it('still answers "online vs in-store" as a comparison grouped by channel', async () => {
    const res = await ask('online vs in-store revenue')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.plan.query.group_by).toEqual(['order__channel'])
  })

  it('carries params next to sql and a display copy with the values inlined', async () => {
    const res = await ask('online sales last month')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.sql).toContain('$1')
    expect(body.params).toEqual(expect.arrayContaining(['Online']))
    expect(body.sql_inline).toContain(`'Online'`)
    expect(body.sql_inline).not.toMatch(/\$\d/)
    const sse = await (await askStream('online sales last month')).text()
    const sqlEvent = /event: sql\ndata: (.*)\n/.exec(sse)?.[1]
    expect(JSON.parse(sqlEvent!)).toMatchObject({ sql: body.sql, params: body.params, sql_inline: body.sql_inline })
  })
})

describe('trust: confirming an interpretation', () => {
  it('runs a candidate of an ambiguous_question answer when POST /query gets its id as interpretation', async () => {
    const question = 'units of headphones sold this year'
    const err = await (await ask(question)).json()
    const candidate = err.error.details[0].candidates[0]
    const res = await t.request('POST', '/api/v1/query', { body: { question, interpretation: candidate.id } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.plan.query).toEqual(candidate.plan)
    expect(body.data).toHaveLength(1)
  })

  it('rejects an interpretation that is not a candidate id, or one carrying raw SQL', async () => {
    const bad = await t.request('POST', '/api/v1/query', { body: { question: 'x', interpretation: 'int_notjson' } })
    expect(bad.status).toBe(400)
    const where = `int_${Buffer.from(JSON.stringify({ metrics: ['total_sales'], where: ['1=1'] })).toString('base64url')}`
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'x', interpretation: where } })
    expect(res.status).toBe(400)
  })
})
