// "how much money last month" on the payments layer, where the refunds model is described "Money returned to
// cardholders by merchants, one row per refund.": the description's opening noun named the refund entity, so
// the plan counted refunds. A mass noun ("money", "equipment") says how much of something, never how many
// rows; only a plural noun phrase names the rows a model holds.
import { describe, expect, it } from 'vitest'
import { entityDescriptionPhrase } from '../../../src/planner/offline/entity-description-names'
import { nameStems } from '../../../src/planner/offline/normalize'
import { askOn } from './confident-wrong-3-layers'

describe('an entity description opening with a mass noun', () => {
  it('names no entity', () => {
    expect(entityDescriptionPhrase('Money returned to cardholders by merchants, one row per refund.')).toBeUndefined()
    expect(entityDescriptionPhrase('Equipment on the lines, one row per machine (asset).')).toBeUndefined()
  })

  it('leaves plural and irregular plural nouns naming it', () => {
    expect(entityDescriptionPhrase('Borrowers (customers), one row per borrower.')).toEqual({ phrase: ['borrower'], aside: ['customer'] })
    expect(entityDescriptionPhrase('People who hold our issued cards.')?.phrase).toEqual(nameStems('people'))
  })

  it('does not count refunds for "how much money" (payments)', () => {
    expect(askOn('payments', 'how much money last month')).not.toHaveProperty('metrics', ['refund_count'])
    expect(askOn('payments', 'money last month by merchant')).not.toHaveProperty('metrics', ['refund_count'])
  })
})

