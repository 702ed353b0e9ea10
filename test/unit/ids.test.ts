// Ids and secrets (API keys, refresh and SCIM tokens) are uniform base62 drawn
// from the CSPRNG, with random bytes taken from a pool a few kilobytes at a time.
import { describe, expect, it } from 'vitest'
import { newId, randomBase62 } from '../../src/ids'

describe('random ids and secrets', () => {
  it('have the asked length, the base62 alphabet and never repeat, across many pool refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) {
      const s = randomBase62(43)
      expect(s).toMatch(/^[0-9A-Za-z]{43}$/)
      seen.add(s)
    }
    expect(seen.size).toBe(20_000)
    expect(newId('qry')).toMatch(/^qry_[0-9A-Za-z]{20}$/)
  })

  it('use every character about equally often (no modulo bias, no byte used twice)', () => {
    const counts = new Map<string, number>()
    const text = Array.from({ length: 5_000 }, () => randomBase62(62)).join('')
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    expect(counts.size).toBe(62)
    const expected = text.length / 62 // 5,000 each
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1)
    // Two strings drawn one after the other share no more than chance allows (a reused byte would repeat a run).
    const a = randomBase62(4096); const b = randomBase62(4096)
    let same = 0
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
    expect(same).toBeLessThan(4096 / 62 * 2)
  })
})
