import { describe, expect, it } from 'vitest'
import { countedByEntityWord, entityHeadNoun, participleNames, participleNouns } from '../../../src/planner/offline/description-nouns'
import type { CatalogMetric } from '../../../semantic/types'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-12.json')

describe('a metric named by the noun its description counts', () => {
  it('turns a past participle into the noun English forms from it', () => {
    expect(participleNouns('activated')).toEqual(['activation'])
    expect(participleNouns('disconnected')).toEqual(['disconnection'])
    expect(participleNouns('used')).toEqual(['usage'])
    // no regular noun: nothing is guessed
    expect(participleNouns('opened')).toEqual([])
  })

  it('names a metric by "<noun> <participle>" and its nominalization, but an event noun alone only', () => {
    expect(participleNames('Accounts reactivated (after a lapse).')).toEqual(expect.arrayContaining([['account', 'reactivated'], ['reactivation'], ['account', 'reactivation']]))
    // a mass noun ("usage") says nothing without what is used
    expect(participleNames('Fuel used in litres.')).not.toContainEqual(['usage'])
    expect(participleNames('Fuel used in litres.')).toContainEqual(['fuel', 'usage'])
    // a difference of two counts is not the first count
    expect(participleNames('Seats booked minus seats cancelled.')).toEqual([])
  })

  it('reads "<entity> <noun>" as the noun counted, only after an entity\'s word', () => {
    expect(entityHeadNoun('Subscriber lines.', new Set(['subscriber']))).toBe('line')
    expect(entityHeadNoun('Dropped calls.', new Set(['subscriber']))).toBeUndefined()
    expect(entityHeadNoun('Subscriber lines with a device on lease.', new Set(['subscriber']))).toBeUndefined()
  })

  it('lists a count by the entity whose word, or a clip of it, its name opens with', () => {
    const metric = (name: string, dimensions: string[]): CatalogMetric => ({ name, type: 'simple', dimensions })
    const found = countedByEntityWord([metric('refund_count', ['refund', 'customer', 'refund__rsn_cd']), metric('cust_cnt', ['customer']), metric('rfnd_amt', ['refund'])], new Map())
    expect(found.get('refund')?.map((m) => m.name)).toEqual(['refund_count'])
    expect(found.get('customer')?.map((m) => m.name)).toEqual(['cust_cnt'])
    // written out from its description: `rfnd_cnt` read "refund count"
    expect(countedByEntityWord([metric('rfnd_cnt', ['refund'])], new Map([['rfnd_cnt', ['refund', 'count']]])).get('refund')?.length).toBe(1)
  })

  it('answers questions that name such metrics in plain words', () => {
    expect(ask('telecom', 'line activations by market')).toEqual({ metrics: ['gross_add_cnt'], group_by: ['market__mkt_nm'] })
    expect(ask('telecom', 'lines in boston')).toEqual({ metrics: ['subs_cnt'], filters: [{ field: 'market__mkt_nm', op: '=', value: 'Boston' }] })
    expect(ask('telecom', 'disconnects by reason')).toEqual({ metrics: ['disc_cnt'], group_by: ['disconnect__disc_rsn_cd'] })
    expect(ask('telecom', 'mobile data usage last week')).toEqual({ metrics: ['data_mb'], time_constraint: { start: '2024-06-03', end: '2024-06-09' } })
    // a flag said with the counted entity's noun: the count of that entity
    expect(ask('telecom', 'late payments by plan')).toEqual({ metrics: ['pmt_cnt'], group_by: ['subscriber__plan__plan_nm'], filters: [{ field: 'payment__is_late', op: '=', value: true }] })
  })

  it('still refuses a mass noun alone and a noun two metrics share', () => {
    expect(ask('telecom', 'usage by plan')).toBe('question_not_understood')
    // "Outage minutes." beside `voice_min`: "minutes" names two things
    expect(ask('telecom', 'minutes by market')).toBe('question_not_understood')
  })
})
