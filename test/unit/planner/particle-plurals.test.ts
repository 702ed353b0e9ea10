import { describe, expect, it } from 'vitest'
import { particlePluralStems } from '../../../src/planner/offline/particle-plurals'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-12.json')

describe('a verb-and-particle noun in the plural ("port-ins", "check-ins")', () => {
  it('writes the particle in the plural where the stemmer keeps it apart', () => {
    expect(particlePluralStems(['port', 'in', 'count'])).toEqual([['port', 'ins', 'count']])
    expect(particlePluralStems(['check', 'in'])).toEqual([['check', 'ins']])
    // a particle opening the name belongs to no verb
    expect(particlePluralStems(['in', 'store', 'sales'])).toEqual([])
  })

  it('answers "port ins" over `port_in_cnt`', () => {
    expect(ask('telecom', 'port ins by carrier')).toEqual({ metrics: ['port_in_cnt'], group_by: ['port_event__othr_crr_cd'] })
  })
})
