import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-9.json')

describe('a noun naming a family of metrics beside another metric', () => {
  it('asks which number "refunds" means in "gpv vs refunds by merchant"', () => {
    expect(candidates('payments', 'gpv vs refunds by merchant').map((p) => p.metrics).sort()).toEqual([['gross_volume', 'refund_count'], ['gross_volume', 'refund_volume']])
  })

  it('answers when each metric is named whole', () => {
    expect(ask('payments', 'gpv and refund volume by merchant')).toEqual({ metrics: ['gross_volume', 'refund_volume'], group_by: ['merchant__mrch_nm'] })
  })
})
