import { describe, expect, it } from 'vitest'
import { namesEntityByCut } from '../../../src/planner/offline/entity-name-columns'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-11.json')

describe('a name column whose first word is a consonant cut of its entity', () => {
  it('names the entity ("ln_nm" on the line entity)', () => {
    expect(namesEntityByCut(['ln', 'name'], 'line')).toBe(true)
    expect(namesEntityByCut(['supp', 'name'], 'supplier')).toBe(true)
  })

  it('is read only on name columns and on cuts of the entity word', () => {
    expect(namesEntityByCut(['ln', 'type'], 'line')).toBe(false)
    expect(namesEntityByCut(['pl', 'name'], 'line')).toBe(false)
  })

  it('groups "by line" by the line name rather than its key', () => {
    expect(ask('manufacturing', 'oee by line')).toEqual({ metrics: ['oee'], group_by: ['line__ln_nm'] })
  })
})
