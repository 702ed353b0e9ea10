// Timestamps as the engines print them, turned into ISO 8601: the common
// forms take a fast path, so these pin that it answers exactly as the general one.
import { describe, expect, it } from 'vitest'
import { isoTimestamp } from '../../connectors/shared/values'

describe('isoTimestamp', () => {
  it('puts a T between date and time of a plain timestamp', () => {
    expect(isoTimestamp('2024-03-05 07:08:09')).toBe('2024-03-05T07:08:09')
  })

  it('writes a UTC offset of +00 as Z', () => {
    expect(isoTimestamp('2024-03-05 07:08:09+00')).toBe('2024-03-05T07:08:09Z')
    expect(isoTimestamp('2024-03-05 07:08:09.123456+00')).toBe('2024-03-05T07:08:09.123456Z')
  })

  it('keeps other offsets, with minutes', () => {
    expect(isoTimestamp('2024-03-05 07:08:09+05')).toBe('2024-03-05T07:08:09+05:00')
    expect(isoTimestamp('2024-03-05 07:08:09-03:30')).toBe('2024-03-05T07:08:09-03:30')
  })

  it('keeps fractions of a second', () => {
    expect(isoTimestamp('2024-03-05 07:08:09.5')).toBe('2024-03-05T07:08:09.5')
  })

  it('writes BC years and years past 9999 as signed ISO years', () => {
    expect(isoTimestamp('0044-03-15 12:00:00 BC')).toBe('-0043-03-15T12:00:00')
    expect(isoTimestamp('0001-01-01 00:00:00+00 BC')).toBe('0000-01-01T00:00:00Z')
    expect(isoTimestamp('12024-03-05 07:08:09')).toBe('+12024-03-05T07:08:09')
  })

  it('returns text that is not a timestamp unchanged, even when it has the same length', () => {
    expect(isoTimestamp('infinity')).toBe('infinity')
    expect(isoTimestamp('2024-03-05x07:08:09')).toBe('2024-03-05x07:08:09')
    expect(isoTimestamp('2024-0a-05 07:08:09')).toBe('2024-0a-05 07:08:09')
    expect(isoTimestamp('2024-03-05 07:08:0x+00')).toBe('2024-03-05 07:08:0x+00')
    expect(isoTimestamp('abcdefghijklmnopqrs')).toBe('abcdefghijklmnopqrs')
  })
})
