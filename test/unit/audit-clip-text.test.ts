// What the audit chain hashes must be what the store keeps (UTF-8): a clip
// never ends inside a surrogate pair, and a lone surrogate becomes U+FFFD.
import { describe, expect, it } from 'vitest'
import { clipText } from '../../src/audit/audit-details'

const stored = (s: string) => Buffer.from(s, 'utf8').toString('utf8')

describe('clipText', () => {
  it('drops a pair the limit would cut in two, and keeps one that fits', () => {
    expect(clipText('ab\u{1F600}', 3)).toBe('ab')
    expect(clipText('ab\u{1F600}', 4)).toBe('ab\u{1F600}')
    expect(clipText('abc', 10)).toBe('abc')
  })

  it('gives every lone surrogate as the U+FFFD the store would keep', () => {
    for (const s of ['x\ud800', '\udc00y', 'a\ud83d\ud83db', '\ude00\ud83d']) {
      const clipped = clipText(s, 100)
      expect(clipped).toBe(stored(s))
      expect(clipped).not.toMatch(/[\ud800-\udfff]/)
    }
  })
})
