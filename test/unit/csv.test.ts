import { describe, expect, it } from 'vitest'
import { csvField, csvLine } from '../../src/query/csv'

describe('CSV (RFC 4180)', () => {
  it('quotes fields holding commas, quotes, CR or LF and doubles quotes', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere'])).toBe('plain,"a,b","say ""hi""","two\nlines","cr\rhere"\r\n')
  })
  it('writes null as an empty field and keeps numbers and booleans as text', () => {
    expect(csvLine([null, undefined, 1.5, true, 0])).toBe(',,1.5,true,0\r\n')
  })
  it('serializes objects as JSON in one quoted field', () => {
    expect(csvField({ a: [1, 2] })).toBe('"{""a"":[1,2]}"')
  })
})
