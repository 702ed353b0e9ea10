// Round 12's smaller readings of an un-curated layer's names and legends: a legend meaning written as one
// token with a digit ("NR = 5G"), an everyday word clipped in a column name ("stat" of status), a cut with
// no vowel left ("chrn" of churn), "mo" as months, and a one-word legend meaning said whole.
import { describe, expect, it } from 'vitest'
import { codeLegend } from '../../../src/planner/offline/catalog-index'
import { describedNameStems } from '../../../src/planner/offline/described-name-words'
import { clipOf } from '../../../src/planner/offline/everyday-clips'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-12.json')

describe('a legend meaning that opens with a digit', () => {
  it('reads "5G" and "4G" as meanings', () => {
    expect(codeLegend('Technology: LTE = 4G, NR = 5G.')).toEqual([['LTE', '4G'], ['NR', '5G']])
  })

  it('filters by the code, and asks where a yes/no column is named by the same word', () => {
    expect(ask('telecom', '4g cells by market')).toEqual({ metrics: ['cell_cnt'], group_by: ['market__mkt_nm'], filters: [{ field: 'cell__tech_cd', op: '=', value: 'LTE' }] })
    // 5G cells or 5G devices: both are whole-word readings of "5g"
    expect(candidates('telecom', '5g data usage last month').map((p) => p.filters?.[0]?.field).sort()).toEqual(['cell__tech_cd', 'subscriber__device__is_5g'])
  })
})

describe('cut name words', () => {
  it('reads a vowel-less cut that leaves one letter out, and "mo" as months where the description says so', () => {
    expect(describedNameStems('chrn_pct', 'Churn rate, lines disconnected divided by lines.', [])).toEqual(['churn', 'percent'])
    expect(describedNameStems('avg_tenure_mo', 'Average months since activation.', [])).toEqual(['average', 'tenure', 'month'])
    // a cut with a vowel still leaves two letters out ("dfct" of defects, not "mach" of "mache")
    expect(describedNameStems('cart_cnt', 'Carts abandoned.', [])).toBeUndefined()
  })

  it('answers by a column whose everyday word is clipped ("invoices by status" over `inv_stat_cd`)', () => {
    expect(ask('telecom', 'invoices by status last month')).toEqual({ metrics: ['inv_cnt'], group_by: ['invoice__inv_stat_cd'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
    expect(ask('telecom', 'average tenure by market')).toEqual({ metrics: ['avg_tenure_mo'], group_by: ['market__mkt_nm'] })
  })
})

describe('a code named by its whole one-word meaning', () => {
  it('filters by the code without offering a value that holds the word among others ("Data 5GB")', () => {
    expect(ask('telecom', 'data sessions by plan')).toEqual({ metrics: ['sess_cnt'], group_by: ['subscriber__plan__plan_nm'], filters: [{ field: 'usage_session__svc_typ_cd', op: '=', value: 'D' }] })
  })

  it('offers no metric whose name holds the code when the question said only its meaning ("involuntary" for INV, not `inv_cnt`)', () => {
    expect(ask('telecom', 'involuntary disconnects last week')).toEqual({ metrics: ['disc_cnt'], filters: [{ field: 'disconnect__disc_rsn_cd', op: '=', value: 'INV' }], time_constraint: { start: '2024-06-03', end: '2024-06-09' } })
  })
})

describe('an everyday word clipped in a column name', () => {
  it('is read as the longer word of the description only where that word is no other form of it', () => {
    expect(clipOf('stat', 'status')).toBe(true)
    expect(clipOf('temp', 'temperature')).toBe(true)
    expect(clipOf('plan', 'planned')).toBe(false)
    expect(clipOf('ship', 'shipping')).toBe(false)
    expect(clipOf('rate', 'rates')).toBe(false)
  })
})
