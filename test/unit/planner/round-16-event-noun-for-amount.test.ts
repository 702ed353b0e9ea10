// "originations by month" was answered with the originated principal (`orig_vol`, "Principal originated,
// USD."): the "-ation" noun made from the description's verb names the events the money is summed over,
// and asked bare it asks how many. The plan is doubted; the description's own words still answer.
import { describe, expect, it } from 'vitest'
import { countedThingForAmount } from '../../../src/planner/offline/measure-of-counted-thing'
import type { CatalogIndex } from '../../../src/planner/offline/catalog-index'
import type { Mention } from '../../../src/planner/offline/interpret/draft'

const metric = { name: 'orig_vol', type: 'simple', description: 'Principal originated, USD.', dimensions: [] }
const idx = { metrics: new Map([['orig_vol', metric]]) } as unknown as CatalogIndex
const said = (text: string): Mention[] => [{ text, at: 0, hits: [{ target: { kind: 'metric', name: 'orig_vol', metric }, quality: 0.86, source: 'description' }] } as unknown as Mention]

describe('an event noun read as a sum of money', () => {
  it('is doubted where the noun is made from the description\'s verb', () => {
    expect(countedThingForAmount(said('originations'), 'originations by month', { metrics: ['orig_vol'] }, idx)).toMatch(/ask how many/)
  })

  it('is not doubted for the description\'s own words or a money noun', () => {
    expect(countedThingForAmount(said('principal'), 'principal by month', { metrics: ['orig_vol'] }, idx)).toBeUndefined()
    expect(countedThingForAmount(said('charge offs'), 'charge offs by month', { metrics: ['orig_vol'] }, idx)).toBeUndefined()
  })
})
