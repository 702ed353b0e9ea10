// Attack: crash the planner with one question. Two metric words side by side
// are one noun phrase ("sales volume"): the modifier goes and the next word is
// its head. With three or more in a row ("revenue customers orders") the
// middle word is both a head and a modifier; it was dropped before the first
// word looked for its head, the head was undefined, and the request ended in a
// 500 internal_error. Any caller with query:run could make every run a server
// error (and an error log with a stack) with a question of a few words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true })
}, 120_000)
afterAll(async () => { await t?.close() })

/** Metric words of the demo layer, each a metric on its own. */
const WORDS = ['revenue', 'customers', 'orders', 'stores']

describe('attack: a run of metric words in one question', () => {
  it.each([
    ['three in a row', 'revenue customers orders'],
    ['four in a row', 'revenue customers orders stores'],
    ['a long run up to the question limit', Array.from({ length: 60 }, (_, i) => WORDS[i % WORDS.length]).join(' ')],
    ['a run inside a question', 'top 5 stores by revenue customers orders last month'],
  ])('answers or refuses %s, never a server error', async (_, question) => {
    const res = await t.request('POST', '/api/v1/query', { body: { question } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBeLessThan(500)
    if (res.status !== 200) expect(body.error.code).not.toBe('internal_error')
  })

  it('still reads two metric words as one noun phrase', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'revenue orders' } })
    expect(res.status).toBeLessThan(500)
  })
})
