// "open tickets" over `tickets` ("Number of support tickets opened.") was answered with every ticket
// ever opened: "open" before the noun says the state each ticket is in now, not the act the metric
// counts, but its verb form matched the description's "opened" and the word was taken as restating the
// metric. A base-form word before the metric's noun whose past form only the description says is asked
// back now; the past form ("tickets opened last week") still restates it.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildCatalog, importMetricFlow } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { evalFixture } from './eval-fixture'

const dir = join(import.meta.dirname, '../../fixtures/support-desk/semantic')
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: f, content: readFileSync(join(dir, f), 'utf8') }))
const desk = buildCatalog(importMetricFlow(files, { source_schema: 'eval' }).manifest)
const ctx = { now: new Date('2024-06-15T15:00:00Z'), timezone: 'UTC' }
const askDesk = (q: string) => {
  try {
    return gateConfidence(planOffline(q, desk, [], ctx), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}
const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a state said before the noun a metric counts by its act', () => {
  it('is not taken as restating the act', () => {
    expect(askDesk('open tickets')).toEqual(expect.any(String))
  })

  it('leaves the act itself, and a state the layer has as a value, answered', () => {
    expect(askDesk('tickets opened last week')).toEqual({ metrics: ['tickets'], time_constraint: { start: '2024-06-03', end: '2024-06-09' } })
    expect(ask('hr', 'open requisitions')).toEqual({ metrics: ['requisition_count'], filters: [{ field: 'requisition__req_status', op: '=', value: 'open' }] })
  })
})
