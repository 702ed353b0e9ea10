import { describe, expect, it } from 'vitest'
import { describedNameStems, quantityNames, readsAsTimeUnit } from '../../../src/planner/offline/described-name-words'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-11.json')

describe('a metric name cut to consonants, written out from its description or its entity', () => {
  it('reads a cut name word as the one description word it abbreviates ("dt" of "Downtime in minutes")', () => {
    expect(describedNameStems('dt_min', 'Downtime in minutes.', ['dt_event', 'machine'])).toEqual(['downtime', 'minute'])
    expect(describedNameStems('dfct_cnt', 'Defects found at inspection.', [])).toEqual(['defect', 'count'])
  })

  it('reads a cut name word as the entity the metric is counted over when the metric has no description', () => {
    expect(describedNameStems('shp_cnt', undefined, ['shipment', 'item', 'plant'])).toEqual(['shipment', 'count'])
  })

  it('leaves initials, measure words and words fitting two context words as they are', () => {
    expect(describedNameStems('wo_cnt', 'Work orders released.', ['work_order'])).toBeUndefined()
    expect(describedNameStems('dt_cnt', 'Downtime and delay totals.', [])).toBeUndefined()
  })

  it('reads "min" as minutes only when the description says minutes', () => {
    expect(readsAsTimeUnit('Downtime in minutes.', 'min')).toBe(true)
    expect(readsAsTimeUnit('Lowest check in USD.', 'min')).toBe(false)
  })

  it('names a quantity by its units and by a short phrase its description opens with', () => {
    expect(quantityNames(['good', 'quantity'], undefined)).toEqual([['good', 'unit']])
    expect(quantityNames(['product', 'quantity'], 'Units produced (good plus scrap).')).toContainEqual(['unit', 'produced'])
  })

  it('answers questions over such metrics in plain words', () => {
    expect(ask('manufacturing', 'downtime minutes by machine')).toEqual({ metrics: ['dt_min'], group_by: ['machine__mach_nm'] })
    expect(ask('manufacturing', 'total downtime last week')).toEqual({ metrics: ['dt_min'], time_constraint: { start: '2024-06-03', end: '2024-06-09' } })
    expect(ask('manufacturing', 'shipments by carrier')).toEqual({ metrics: ['shp_cnt'], group_by: ['shipment__carr_cd'] })
    expect(ask('manufacturing', 'units produced last month')).toEqual({ metrics: ['prod_qty'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })

  it('still refuses a measure the layer does not have', () => {
    expect(ask('manufacturing', 'energy consumption per machine')).toBe('question_not_understood')
  })
})
