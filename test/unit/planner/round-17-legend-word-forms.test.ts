// A code legend writes a code's meaning in one form ("A = approve, D = decline", "ABN = abandoned by the caller
// before pickup", "AUTO = automated scoring engine"); a question says it in another ("declined", "abandoned",
// "automated"). The forms English builds from the legend's word name the same code, and a form two legends
// share is asked back unless a word of the question names the column it belongs to.
import { describe, expect, it } from 'vitest'
import { legendMeaningForms, sameLegendWord, verbOfParticiple, wordForms } from '../../../src/planner/offline/legend-word-forms'
import { codeLegend } from '../../../src/planner/offline/code-legend'
import { ask } from './round-17-layer'

describe('the forms of a legend word', () => {
  it('include a verb\'s past participle and -al noun, and an -ed word\'s verb', () => {
    expect(wordForms('approve')).toEqual(['approved', 'approval'])
    expect(wordForms('declined')).toEqual(['decline'])
    expect(verbOfParticiple('rejected')).toBe('reject')
    expect(verbOfParticiple('cancelled')).toBe('cancel')
    expect(verbOfParticiple('missed')).toBe('miss')
    expect(sameLegendWord('declined', 'decline')).toBe(true)
    expect(sameLegendWord('declined', 'defined')).toBe(false)
  })

  it('include the words before an agent phrase and an -ed or -al modifier opening a meaning', () => {
    expect(legendMeaningForms('withdrawn by applicant')).toEqual([['withdrawn']])
    expect(legendMeaningForms('automated scoring engine')).toEqual([['automated']])
    expect(legendMeaningForms('New England')).toEqual([])
  })

  it('read a long meaning by what comes before its agent phrase', () => {
    expect(codeLegend('How: MAN = manual check by a team lead on the floor.')).toEqual([['MAN', 'manual check']])
  })
})

describe('a question saying a legend word in another form', () => {
  it('filters on the code whose legend holds the word', () => {
    expect(ask('abandoned tickets')).toEqual({ metrics: ['tkt_cnt'], filters: [{ field: 'tkt__res_cd', op: '=', value: 'ABN' }] })
  })

  it('takes the column a word of the question names when two legends hold the word', () => {
    expect(ask('avg score for declined reviews')).toEqual({ metrics: ['avg_scr'], filters: [{ field: 'rvw__rvw_cd', op: '=', value: 'D' }] })
  })

  it('is asked back when two legends hold the word and nothing tells them apart', () => {
    expect(ask('declined quality reviews')).toBe('ambiguous_question')
  })
})
