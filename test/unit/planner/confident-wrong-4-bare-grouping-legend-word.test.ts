// "applications at the branch" and "branch applications by month" on the lending layer were answered as the
// applications by branch name (`lo__brnch_nm`, "Branch name."), a breakdown no "by" or "per" asks for, while the
// intake channel's legend opens a meaning with the same word ("BR = branch walk-in"): the analyst as likely
// means the applications taken at a branch, one of that column's codes. A breakdown read from a bare word that
// also opens a legend meaning of a column the plan's metrics reach is a doubt; "by branch" asks for the breakdown.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a bare word that names a column and opens another column\'s legend meaning', () => {
  it('is not taken as a breakdown (lending: applications at the branch, branch applications)', () => {
    expect(askOn('lending', 'applications at the branch')).not.toHaveProperty('group_by', ['lo__brnch_nm'])
    expect(askOn('lending', 'branch applications by month')).not.toHaveProperty('group_by', ['lo__brnch_nm', 'metric_time__month'])
  })

  it('leaves the breakdown asked with "by" answered (lending: applications by branch)', () => {
    expect(askOn('lending', 'applications by branch')).toEqual({ metrics: ['appl_cnt'], group_by: ['lo__brnch_nm'] })
  })
})
