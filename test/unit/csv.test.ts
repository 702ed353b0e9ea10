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

  it('neutralises text that a spreadsheet would run as a formula: leading quote, always quoted', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
    expect(csvField("+cmd|' /C calc'!A0")).toBe(`"'+cmd|' /C calc'!A0"`)
    expect(csvField('-2+3')).toBe(`"'-2+3"`)
    expect(csvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`)
    expect(csvField('\t=1+1')).toBe(`"'\t=1+1"`)
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`)
    expect(csvField('  =1+1')).toBe(`"'  =1+1"`)
    expect(csvField('\uff1d1+1')).toBe(`"'\uff1d1+1"`)
  })
  it('keeps true numbers numeric, as numbers or as the exact text of a number', () => {
    expect(csvLine([-12.5, '-12.5', '+3', '1e-7', -0.5, 10n])).toBe('-12.5,-12.5,+3,1e-7,-0.5,10\r\n')
    expect(csvField('-')).toBe(`"'-"`)
    expect(csvField('- 1')).toBe(`"'- 1"`)
  })
  it('leaves ordinary text alone', () => {
    expect(csvLine(['a=b', 'x-y', 'mail@example.com', '2024-01-01'])).toBe('a=b,x-y,mail@example.com,2024-01-01\r\n')
  })
})
