// A question that names how a number is measured but not which ("rate by route", "what's the average by
// route"): round 15 asks back with the metrics so measured instead of refusing. Tested on the transit layer
// of dev-14; the clinic, HR, hotel and payments questions of dev-15 showed it.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-14.json')

describe('a generic measure word standing alone', () => {
  it('asks which of the metrics so measured is meant, each planned with the rest of the question', () => {
    expect(candidates('transit', 'rate by route').map((q) => q.metrics[0]).sort()).toEqual(['otp_pct', 'xfer_pct'])
    expect(candidates('transit', "what's the average by route").every((q) => JSON.stringify(q.group_by) === '["route__rte_nm"]')).toBe(true)
  })

  it('is refused where another word qualifies it: the question names a metric the layer may lack', () => {
    expect(ask('transit', 'late rate by route')).toBe('question_not_understood')
  })
})
