import { describe, expect, it } from 'vitest'
import { joinHyphenatedNames } from '../../../src/planner/offline/hyphen-joins'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a word of the layer written with a hyphen', () => {
  it('reads "check-ins" as the `checkins` metric', () => {
    expect(ask('fitness', 'check-ins by region ytd')).toEqual({ metrics: ['checkins'], group_by: ['club__club_rgn'], time_constraint: { start: '2024-01-01', end: '2024-06-15' } })
  })

  it('keeps the halves apart when they name something together or the joined word is unknown', () => {
    const idx = { vocabularySet: new Set(['checkin', 'noshow']), terms: new Map([['no show', []]]) }
    expect(joinHyphenatedNames('check-ins and no-shows and t-shirt', idx as never).text).toBe('checkins and no-shows and t-shirt')
  })
})
