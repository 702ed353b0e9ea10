// "Pool lanes reserved.", "Course sections offered.": a description that is a noun phrase and a
// participle names its metric by the head noun and the participle too ("lanes reserved"), with
// its modifier left out; a phrase that goes on into a ratio ("... offered per student") names none.
import { describe, expect, it } from 'vitest'
import { participleNames } from '../../../src/planner/offline/description-nouns'
import { askSwimSchool, swimSchoolCatalog } from './swim-school-layer'

describe('names a participle description gives its metric', () => {
  it('include the head noun with the participle', () => {
    expect(participleNames('Course sections offered.')).toContainEqual(['section', 'offered'])
    expect(participleNames('Pool lanes reserved.')).toContainEqual(['lane', 'reserved'])
  })

  it('are none where the phrase continues into a ratio ("per student")', () => {
    expect(participleNames('Financial aid offered per student.')).toEqual([])
  })

  it('answer "lanes reserved last month" by a bare metric whose measure says so', () => {
    expect(askSwimSchool(swimSchoolCatalog(), 'lanes reserved last month')).toEqual({ metrics: ['lane_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})
