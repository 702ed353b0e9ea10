// "installment count on schedule" on the lending layer, where `pmt_stat_cd` is "SCH = scheduled (not yet due),
// PD = paid on time, ...": the legend word's bare verb ("schedule" of "scheduled") was indexed as the code, and
// "on schedule" (on time) filtered the installments not yet due. The bare verb of a participle is as often a
// noun ("schedule", "release", "reject"); a question names the state by the participle or its -al noun. With
// the form gone, the typo corrector read "schedule" as a misspelt "scheduled" and filtered the same: a value
// read through that correction is a doubt (a metric read so, "charge offs" for "charged off", stays).
import { describe, expect, it } from 'vitest'
import { legendMeaningForms } from '../../../src/planner/offline/legend-word-forms'
import { askOn } from './confident-wrong-3-layers'

describe('the bare verb of a legend participle', () => {
  it('is not a form of the legend word', () => {
    expect(legendMeaningForms('scheduled')).toEqual([])
    expect(legendMeaningForms('approved')).toEqual([['approval']])
  })

  it('does not filter on the code (lending: installment count on schedule)', () => {
    expect(askOn('lending', 'installment count on schedule')).not.toHaveProperty('filters', [{ field: 'instl__pmt_stat_cd', op: '=', value: 'SCH' }])
  })

  it('leaves the participle itself the code (lending: scheduled installments)', () => {
    expect(askOn('lending', 'scheduled installments')).toEqual({ metrics: ['instl_cnt'], filters: [{ field: 'instl__pmt_stat_cd', op: '=', value: 'SCH' }] })
  })
})
