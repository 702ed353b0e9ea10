// "average loan amount requested by channel" on the lending layer was answered with `req_amt`, the sum of
// the principal requested: "average loan amount" names `avg_orig_amt` (entity-average-names), a metric word
// right before another metric word only qualifies it and was dropped, and with it the averaging word. A
// qualifier that says a statistic (average, mean, median, max, min) asks it of the metric it qualifies;
// where that metric does not compute it, the word is left unread and the question refused, as "average"
// before the sum alone is ("average requested amount").
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a statistic word inside a metric word that only qualifies the next', () => {
  it('is not dropped with the qualifier (lending: average loan amount requested)', () => {
    expect(askOn('lending', 'average loan amount requested by channel')).toBe('question_not_understood')
    expect(askOn('lending', 'avg loan size requested by channel')).toBe('question_not_understood')
  })

  it('leaves the average metric named alone answered (lending: average loan size by month)', () => {
    expect(askOn('lending', 'average loan size by month')).toEqual({ metrics: ['avg_orig_amt'], group_by: ['metric_time__month'] })
  })
})
