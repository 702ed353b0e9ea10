// "by level" where two columns a metric reaches are both named level; "by year" where the only
// column named year is a categorical one: each is a question to ask back, not to answer.
import { describe, expect, it } from 'vitest'
import { columnHeadNoun, headNounOf } from '../../../src/planner/offline/head-noun-groupings'
import { askSwimSchool, swimSchoolCatalog } from './swim-school-layer'

const catalog = swimSchoolCatalog()
const ask = (q: string) => askSwimSchool(catalog, q)

describe('the head noun of a column name', () => {
  it('is the last word that says what the column is, not how it is stored', () => {
    expect(columnHeadNoun('swm_lvl_cd')).toBe('lvl')
    expect(columnHeadNoun('pool_nm')).toBe('pool')
    expect(columnHeadNoun('cd')).toBeUndefined()
  })

  it('matches a question word written out or abbreviated by the column', () => {
    expect(headNounOf('cls_lvl', 'level')).toBe(true)
    expect(headNounOf('swm_lvl_cd', 'levels')).toBe(true)
    expect(headNounOf('swm_stat_cd', 'level')).toBe(false)
  })
})

describe('one grouping word naming two columns', () => {
  it('asks back when the word is the head noun of two columns the metric reaches ("lessons by level")', () => {
    expect(ask('lessons by level')).toBe('ambiguous_question')
  })

  it('answers when the question says whose level it is', () => {
    expect(ask('lessons by class level')).toEqual({ metrics: ['lsn_cnt'], group_by: ['class__cls_lvl'] })
    expect(ask('lessons by swimmer level')).toEqual({ metrics: ['lsn_cnt'], group_by: ['swimmer__swm_lvl_cd'] })
  })

  it("keeps the metric's own column when another entity's column shares the word ('lessons by status')", () => {
    expect(ask('lessons by status')).toEqual({ metrics: ['lsn_cnt'], group_by: ['lesson__lsn_stat_cd'] })
  })
})

describe('a grain word read as a categorical column', () => {
  it('asks back whether "by year" is the calendar year or the season year column', () => {
    expect(ask('lessons by year')).toBe('ambiguous_question')
  })

  it('answers the column when the question names it whole', () => {
    expect(ask('lessons by season year')).toEqual({ metrics: ['lsn_cnt'], group_by: ['swimmer__ssn_yr'] })
  })
})
