// "voluntary vs involuntary exits" where `term_type_cd` is "Kind of exit: VOL = voluntary resignation, INV =
// involuntary (let go), RET = retirement.": "involuntary" filtered INV, and "voluntary" was taken as a word of
// the filtered column's own description restating it, so the plan answered the involuntary exits alone. A
// word the description says only as another code's meaning names that code, not the column again.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('the other side of a comparison said in the filtered column\'s legend', () => {
  it('is not read as the column restated (hr: voluntary vs involuntary exits)', () => {
    expect(askOn('hr', 'voluntary vs involuntary exits')).not.toHaveProperty('filters', [{ field: 'termination__term_type_cd', op: '=', value: 'INV' }])
  })

  it('is not read as the column restated (manufacturing: day vs night shift units produced)', () => {
    expect(askOn('manufacturing', 'day vs night shift units produced')).not.toHaveProperty('filters', [{ field: 'prod_run__shft_cd', op: '=', value: 'C' }])
  })

  it('leaves a word the filtered code\'s own meaning says read as the column (hr: involuntary exits let go)', () => {
    expect(askOn('hr', 'involuntary exits')).toEqual({ metrics: ['termination_count'], filters: [{ field: 'termination__term_type_cd', op: '=', value: 'INV' }] })
  })
})
