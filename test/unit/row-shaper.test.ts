// Shaping streamed rows: metric decimals become JSON numbers; rows someone
// else still holds (a cached result, the cache recorder) are never changed.
import { describe, expect, it } from 'vitest'
import { resultColumns, rowShaper } from '../../src/query/result-columns'
import { column } from '../../connectors/shared/values'

const db = [column('region', 'string'), column('revenue', 'decimal'), column('id', 'bigint')]
const cols = resultColumns(db, [{ name: 'revenue', kind: 'metric' } as never])

describe('rowShaper', () => {
  it('turns metric decimals into numbers and keeps other strings exact', () => {
    const rows = rowShaper(db, cols)([['North', '12.50', '9007199254740993'], ['South', null, '1']], false)
    expect(rows).toEqual([['North', 12.5, '9007199254740993'], ['South', null, '1']])
  })

  it('leaves rows it does not own untouched', () => {
    const held = [['North', '12.50', '7']]
    const out = rowShaper(db, cols)(held, false)
    expect(held).toEqual([['North', '12.50', '7']])
    expect(out[0]).not.toBe(held[0])
  })

  it('converts owned rows in place, without copies', () => {
    const owned = [['North', '3.25', '7']]
    const out = rowShaper(db, cols)(owned, true)
    expect(out).toBe(owned)
    expect(owned[0]).toEqual(['North', 3.25, '7'])
  })

  it('hands rows through as they are when no column converts', () => {
    const plain = [column('region', 'string')]
    const rows = [['North']]
    expect(rowShaper(plain, resultColumns(plain))(rows, false)).toBe(rows)
  })
})
