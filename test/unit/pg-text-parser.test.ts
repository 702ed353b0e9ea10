// node-postgres gets converters without the NULL and type checks around them
// (it calls one only for a non-NULL value, always with text): these pin that
// each answers exactly as the checked converter the other drivers use.
import { describe, expect, it } from 'vitest'
import { KNOWN_OIDS, pgParser, pgTextParser } from '../../connectors/postgres/types'

// The server's text form of a value of each kind of type.
const SAMPLES: Record<number, string[]> = {
  16: ['t', 'f'], 17: ['\\x0102ff'], 20: ['9007199254740993'], 21: ['-7'], 23: ['42'], 26: ['1259'],
  114: ['{"a":[1,2]}'], 700: ['1.5', 'NaN', 'Infinity'], 701: ['-2.25', '-Infinity'], 1082: ['2024-03-05', '0044-03-15 BC'],
  1114: ['2024-03-05 07:08:09', '2024-03-05 07:08:09.5'], 1184: ['2024-03-05 07:08:09+00', '2024-03-05 07:08:09+05:30'],
  1700: ['12.30', 'NaN'], 3802: ['{"b":null}'], 4000: ['not json'], 6551: ['0102ff'],
  1000: ['{t,f,NULL}'], 1007: ['{1,2,3}', '{{1,2},{3,4}}'], 1009: ['{"a b",c,NULL}'], 1115: ['{"2024-03-05 07:08:09"}'], 1231: ['{1.50,NULL}'],
}

describe('pgTextParser', () => {
  it('converts every known type as the checked converter does', () => {
    for (const oid of KNOWN_OIDS) {
      for (const text of SAMPLES[oid] ?? ['some text', '']) {
        expect(pgTextParser(oid)(text), `oid ${oid}: ${text}`).toEqual(pgParser(oid)(text))
      }
    }
  })

  it('turns the text of a timestamp, a decimal and an integer array into JSON values', () => {
    expect(pgTextParser(1114)('2024-03-05 07:08:09')).toBe('2024-03-05T07:08:09')
    expect(pgTextParser(1700)('12.30')).toBe('12.30')
    expect(pgTextParser(1007)('{1,NULL,3}')).toEqual([1, null, 3])
  })

  it('keeps the text of a type it does not know (an enum, an extension type)', () => {
    expect(pgTextParser(987_654)('happy')).toBe('happy')
  })
})
