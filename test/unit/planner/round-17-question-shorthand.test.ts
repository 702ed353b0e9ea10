// The analyst writes business shorthand ("apps", "appr", "bal") that the layer's names spell out: a question word
// that is shorthand of one reading the layer's names use is read as that reading.
import { describe, expect, it } from 'vitest'
import { shorthandReadingOf } from '../../../src/planner/offline/business-abbreviations'

describe('a shorthand word in a question', () => {
  it('reads as the written-out word the layer names use', () => {
    expect(shorthandReadingOf('apps', new Set(['application', 'count']))).toBe('application')
    expect(shorthandReadingOf('bal', new Set(['balance']))).toBe('balance')
  })

  it('stays unread where the layer uses no reading, or more than one', () => {
    expect(shorthandReadingOf('apps', new Set(['order']))).toBeUndefined()
    expect(shorthandReadingOf('inv', new Set(['invoice', 'inventory']))).toBeUndefined()
    expect(shorthandReadingOf('region', new Set(['region']))).toBeUndefined()
  })
})
