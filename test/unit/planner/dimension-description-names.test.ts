import { describe, expect, it } from 'vitest'
import { descriptionPhraseNames } from '../../../src/planner/offline/dimension-description-names'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-12.json')

describe('a column named by the short phrase its description is', () => {
  it('names the column by the phrase and its head noun, "<head> of the <owner>" as "<owner> <head>"', () => {
    expect(descriptionPhraseNames('Device manufacturer.')).toEqual([['device', 'manufacturer'], ['manufacturer']])
    expect(descriptionPhraseNames('Manufacturer of the machine (original equipment manufacturer).')).toEqual([['machine', 'manufacturer'], ['manufacturer']])
  })

  it('reads nothing from a legend, a clause or a long sentence', () => {
    expect(descriptionPhraseNames('Tier: B = basic, S = standard.')).toEqual([])
    expect(descriptionPhraseNames('Company owning the tower.')).toEqual([])
    expect(descriptionPhraseNames('Day the line was activated.')).toEqual([])
    expect(descriptionPhraseNames('Where the customer first heard of the brand, as told at signup.')).toEqual([])
  })

  it('keeps a weak head word ("name", "code") to the whole phrase', () => {
    expect(descriptionPhraseNames('Site code.')).toEqual([['site', 'code']])
  })

  it('answers a breakdown by the described name', () => {
    expect(ask('telecom', 'tickets by device manufacturer')).toEqual({ metrics: ['tkt_cnt'], group_by: ['subscriber__device__oem_nm'] })
    expect(ask('telecom', 'subscribers by manufacturer')).toEqual({ metrics: ['subs_cnt'], group_by: ['device__oem_nm'] })
  })
})
