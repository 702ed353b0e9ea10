// "loans by status today" on the lending layer, where `loan_stat_cd` is "Loan status today: CUR = current,
// ...", was answered as the loans originated today, by status: the "today" of the question is the one the
// layer writes of the column (the status as it is now), while as a time range it picks the loans by their
// own date. A range of today alone beside a breakdown or a filter on a column the layer describes as the
// state today is therefore a doubt; a longer period beside it is the plan's period ("loans originated last
// month by status" is a fair question).
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('"today" beside a column described as the state today', () => {
  it('is not answered as a time range on the metric (lending: loans by status today)', () => {
    expect(askOn('lending', 'loans by status today')).not.toHaveProperty('time_constraint')
    expect(askOn('lending', 'loan count by loan status today')).not.toHaveProperty('time_constraint')
  })

  it('leaves the breakdown without a period answered (lending: loans by status)', () => {
    expect(askOn('lending', 'loans by status')).toEqual({ metrics: ['loan_cnt'], group_by: ['loan__loan_stat_cd'] })
  })
})
