// An un-curated layer names its entities `agt` and `cust` and says what they are only in the description of
// the model each keys ("Support agents with the team they sit in", "Accounts (clients)"). That description
// names the entity: its opening noun phrase, a parenthesised aside, and the phrase's head noun alone.
import { describe, expect, it } from 'vitest'
import { entityDescriptionPhrase } from '../../../src/planner/offline/entity-description-names'
import { ask, catalog } from './round-17-layer'

describe('an entity described only by its model', () => {
  it('carries the description of the model it is the primary entity of', () => {
    const agt = catalog().dimensions.find((d) => d.name === 'agt')
    expect(agt?.description).toBe('Support agents with the team they sit in, one row per agent.')
  })

  it('is grouped by when the question uses the opening phrase of that description', () => {
    expect(ask('tickets per support agent')).toEqual({ metrics: ['tkt_cnt'], group_by: ['agt__agt_nm'] })
  })

  it('is counted when the question uses the aside the description gives it', () => {
    expect(ask('clients by segment')).toEqual({ metrics: ['cust_cnt'], group_by: ['cust__seg_cd'] })
  })

  it('names the count of its rows by the phrase with a qualifier', () => {
    expect(ask('quality reviews last month')).toEqual({ metrics: ['rvw_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})

describe('the opening phrase of an entity description', () => {
  it('stops at the words that start a clause and leaves out a trailing participle', () => {
    expect(entityDescriptionPhrase('Support agents with the team they sit in, one row per agent.')).toEqual({ phrase: ['support', 'agent'], aside: undefined })
    expect(entityDescriptionPhrase('Loan applications received, one row per application.')).toEqual({ phrase: ['loan', 'application'], aside: undefined })
  })

  it('keeps an aside in parentheses right after the phrase', () => {
    expect(entityDescriptionPhrase('Accounts (clients), one row per account.')).toEqual({ phrase: ['account'], aside: ['client'] })
  })

  it('gives nothing for a phrase about time or one too long to be a name', () => {
    expect(entityDescriptionPhrase('Month-end delinquency snapshot, one row per loan.')).toBeUndefined()
    expect(entityDescriptionPhrase(undefined)).toBeUndefined()
  })
})
