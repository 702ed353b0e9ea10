import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { SecretBox } from '../../src/security/secret-box'

describe('secret box', () => {
  it('seals with a fresh nonce each time and opens only with the same associated data', () => {
    const box = new SecretBox(randomBytes(32))
    const a = box.seal('hunter2', 'connection:t1:c1')
    const b = box.seal('hunter2', 'connection:t1:c1')
    expect(a).not.toBe(b)
    expect(a).not.toContain('hunter2')
    expect(box.open(a, 'connection:t1:c1')).toBe('hunter2')
    expect(() => box.open(a, 'connection:t2:c1')).toThrow(/authentication/)
  })

  it('detects tampering', () => {
    const box = new SecretBox(randomBytes(32))
    const parts = box.seal('secret', 'x').split(':')
    const ct = Buffer.from(parts[3], 'base64')
    ct[0] ^= 1
    parts[3] = ct.toString('base64')
    expect(() => box.open(parts.join(':'), 'x')).toThrow()
  })

  it('rotates: old blobs open with the previous key and are flagged for re-sealing', () => {
    const oldKey = randomBytes(32)
    const newKey = randomBytes(32)
    const sealed = new SecretBox(oldKey).seal('pw', 'aad')
    const rotated = new SecretBox(newKey, [oldKey])
    expect(rotated.needsRotation(sealed)).toBe(true)
    expect(rotated.open(sealed, 'aad')).toBe('pw')
    const resealed = rotated.seal('pw', 'aad')
    expect(rotated.needsRotation(resealed)).toBe(false)
    expect(() => new SecretBox(newKey).open(sealed, 'aad')).toThrow(/not configured/)
  })
})
