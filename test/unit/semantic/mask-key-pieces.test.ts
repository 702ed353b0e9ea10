import { describe, expect, it } from 'vitest'
import { hideMaskKeyPieces, hideMaskKeys } from '../../../semantic/access'

const KEY = '0721163ee3d9ed0ea5c6e2e70dc0288f0e5100408970857523252ad4be74b9d7'
const keys = new Set([KEY])

describe('hiding mask keys in a database error text', () => {
  it('hides the whole key and a piece of 16 or more hex digits cut from it, keeps shorter pieces and other hex runs', () => {
    expect(hideMaskKeyPieces(`near '…'${KEY}'…'`, keys)).toBe(`near '…'<mask key>'…'`)
    expect(hideMaskKeyPieces(`near '${KEY.slice(10, 26)}' at line 1`, keys)).toBe(`near '<mask key>' at line 1`)
    expect(hideMaskKeyPieces(`near '${KEY.slice(10, 25)}'`, keys)).toBe(`near '${KEY.slice(10, 25)}'`)
    expect(hideMaskKeyPieces(`value 'deadbeefdeadbeefdeadbeef'`, keys)).toBe(`value 'deadbeefdeadbeefdeadbeef'`)
    expect(hideMaskKeyPieces(`${KEY.slice(40).toUpperCase()} ends`, keys)).toBe('<mask key> ends')
  })

  it('hides only whole keys in SQL shown whole, so a caller\'s values never say which pieces are the key\'s', () => {
    const piece = KEY.slice(0, 20)
    expect(hideMaskKeys(`SHA256('${KEY}' || x) = '${piece}'`, keys)).toBe(`SHA256('<mask key>' || x) = '${piece}'`)
  })
})
