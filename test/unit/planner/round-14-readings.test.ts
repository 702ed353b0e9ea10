// Readings of an un-curated warehouse layer written from language: a name its description gives a metric
// that opens with a little word ("In stock rate, ..."), an average named without its unit ("average wait"),
// a compound that holds a layer word ("salesperson"), a word read as a cut of a column standing where an
// adjective stands ("temporary shipments"), a one-letter value after its column ("bay a"), a hyphenated
// word that, joined, starts a metric's name ("on-time deliveries"), a flag named only by its description
// ("hazardous"), the plural of a thing carrying money ("fees": how many or how much) and a column name
// cut to its consonants ("cty").
import { describe, expect, it } from 'vitest'
import type { Catalog, CatalogDimension } from '../../../semantic/types'
import { abbreviates } from '../../../src/planner/offline/catalog-abbreviations'
import { isDescriptionLeadName } from '../../../src/planner/offline/description-lead-names'
import { askSwimSchool as ask } from './swim-school-layer'

const dims = ['metric_time', 'shipment__bay_cd', 'shipment__dock_cd', 'shipment__stk_stat_cd', 'shipment__temp_cd', 'shipment__dlv_stat_cd', 'shipment__region']
const dimension = (name: string, description: string, sample_values?: string[]): CatalogDimension => ({ name, type: 'categorical', description, ...(sample_values ? { sample_values } : {}) })
const catalog: Catalog = {
  metrics: [
    { name: 'shp_cnt', type: 'simple', description: 'Shipments.', dimensions: dims },
    { name: 'ib_pct', type: 'ratio', description: 'In stock rate, lines on the shelf divided by lines ordered.', dimensions: dims },
    { name: 'avg_wt_min', type: 'simple', description: 'Average wait at the dock in minutes.', dimensions: dims },
    { name: 'sale_amt', type: 'simple', description: 'Sales in USD.', dimensions: dims },
    { name: 'ontime_delivery_cnt', type: 'simple', description: 'Deliveries arriving on time.', dimensions: dims },
  ],
  dimensions: [
    { name: 'metric_time', type: 'time', grain: 'day' },
    dimension('shipment__bay_cd', 'Loading bay (A, B, C).', ['A', 'B', 'C']),
    dimension('shipment__dock_cd', 'Dock door.', ['D1', 'D2']),
    dimension('shipment__stk_stat_cd', 'Stock status: IS = in stock, OOS = out of stock.', ['IS', 'OOS']),
    dimension('shipment__temp_cd', 'Temperature band: AMB = ambient, CHL = chilled, FRZ = frozen.', ['AMB', 'CHL', 'FRZ']),
    dimension('shipment__dlv_stat_cd', 'Delivery status: O = on time, L = late.', ['O', 'L']),
    dimension('shipment__region', 'Region.', ['East', 'West']),
  ],
}

describe('a name a metric\'s description opens with', () => {
  it('is the layer\'s own name even where it opens with a little word', () => {
    expect(ask(catalog, 'in stock rate by region')).toEqual({ metrics: ['ib_pct'], group_by: ['shipment__region'] })
  })

  it('is recognised only as the whole phrase before the comma', () => {
    expect(isDescriptionLeadName('in stock rate', 'In stock rate, lines on the shelf divided by lines ordered.')).toBe(true)
    expect(isDescriptionLeadName('stock rate', 'In stock rate, lines on the shelf divided by lines ordered.')).toBe(false)
    expect(isDescriptionLeadName('sales', 'Sales in USD.')).toBe(false)
  })
})

describe('an average kept in a unit of time', () => {
  it('is named by its average word and what is timed', () => {
    expect(ask(catalog, 'average wait by region')).toEqual({ metrics: ['avg_wt_min'], group_by: ['shipment__region'] })
  })
})

describe('a compound word that starts with a layer word', () => {
  it('is no clipped form of that word', () => {
    expect(abbreviates('sale', 'salesperson')).toBe(false)
    expect(abbreviates('temp', 'temperature')).toBe(true)
  })

  it('leaves the breakdown it asks for unread, not folded into the metric', () => {
    expect(ask(catalog, 'sales by salesperson')).toBe('question_not_understood')
  })
})

describe('a word read as a cut of a column, with no "by" before it', () => {
  it('is asked back rather than answered as a breakdown', () => {
    expect(ask(catalog, 'temporary shipments')).toBe('ambiguous_question')
  })

  it('still answers the breakdown a grouping word asks for', () => {
    expect(ask(catalog, 'shipments by temperature band')).toEqual({ metrics: ['shp_cnt'], group_by: ['shipment__temp_cd'] })
  })
})

describe('a one-letter value right after its column', () => {
  it('filters on the value instead of breaking down by the column', () => {
    expect(ask(catalog, 'shipments in bay a')).toEqual({ metrics: ['shp_cnt'], filters: [{ field: 'shipment__bay_cd', op: '=', value: 'A' }] })
    expect(ask(catalog, 'shipments by bay')).toEqual({ metrics: ['shp_cnt'], group_by: ['shipment__bay_cd'] })
  })
})

describe('a hyphenated word whose halves name a value', () => {
  it('is joined where the joined word starts a metric\'s name', () => {
    expect(ask(catalog, 'on-time deliveries by region')).toEqual({ metrics: ['ontime_delivery_cnt'], group_by: ['shipment__region'] })
  })
})

describe('a flag whose name no question spells out', () => {
  const flag = (name: string, description: string): CatalogDimension => ({ name, type: 'categorical', description, sample_values: [true, false] })
  const flags: Catalog = {
    metrics: [{ name: 'shp_cnt', type: 'simple', description: 'Shipments.', dimensions: ['metric_time', 'shipment__is_hzm', 'shipment__is_wc', 'shipment__is_xl'] }],
    dimensions: [
      { name: 'metric_time', type: 'time', grain: 'day' },
      flag('shipment__is_hzm', 'Hazardous, needs a permit.'),
      flag('shipment__is_wc', 'Forklift accessible.'),
      flag('shipment__is_xl', 'Oversize freight.'),
    ],
  }

  it('takes its true value from the words its description opens with', () => {
    expect(ask(flags, 'hazardous shipments')).toEqual({ metrics: ['shp_cnt'], filters: [{ field: 'shipment__is_hzm', op: '=', value: true }] })
    expect(ask(flags, 'oversize freight shipments')).toEqual({ metrics: ['shp_cnt'], filters: [{ field: 'shipment__is_xl', op: '=', value: true }] })
  })

  it('takes the head adjective of a short description alone, never the head noun', () => {
    expect(ask(flags, 'accessible shipments')).toEqual({ metrics: ['shp_cnt'], filters: [{ field: 'shipment__is_wc', op: '=', value: true }] })
    expect(ask(flags, 'freight shipments')).not.toEqual({ metrics: ['shp_cnt'], filters: [{ field: 'shipment__is_xl', op: '=', value: true }] })
  })
})

describe('the plural of a thing that carries money', () => {
  const money: Catalog = {
    metrics: [
      { name: 'fee_cnt', type: 'simple', dimensions: ['metric_time', 'fee', 'fee__fee_typ_cd'] },
      { name: 'fee_amt', type: 'simple', description: 'Fees billed in USD.', dimensions: ['metric_time', 'fee', 'fee__fee_typ_cd'] },
    ],
    dimensions: [
      { name: 'metric_time', type: 'time', grain: 'day' },
      { name: 'fee', type: 'entity' },
      { name: 'fee__fee_typ_cd', type: 'categorical', description: 'Fee type: LATE = late fee, SVC = service fee.' },
    ],
  }

  it('is asked back where the layer counts it and sums its amount', () => {
    expect(ask(money, 'fees by type')).toBe('ambiguous_question')
  })

  it('is the count where the question says how many', () => {
    expect(ask(money, 'number of fees by type')).toEqual({ metrics: ['fee_cnt'], group_by: ['fee__fee_typ_cd'] })
    expect(ask(money, 'fee amount by type')).toEqual({ metrics: ['fee_amt'], group_by: ['fee__fee_typ_cd'] })
  })
})

describe('a column name cut to its consonants', () => {
  const cities: Catalog = {
    metrics: [{ name: 'shp_cnt', type: 'simple', description: 'Shipments.', dimensions: ['metric_time', 'shipment__dest_cty'] }],
    dimensions: [{ name: 'metric_time', type: 'time', grain: 'day' }, { name: 'shipment__dest_cty', type: 'categorical', description: 'City the parcel goes to.' }],
  }

  it('is written out from its description even where only one letter was left out', () => {
    expect(ask(cities, 'shipments by city')).toEqual({ metrics: ['shp_cnt'], group_by: ['shipment__dest_cty'] })
  })
})
