// The console's attribute editor (Settings → Users, API keys): shown compactly,
// parsed from JSON, and refused by the same rules as the API, so what the
// console accepts the API accepts and a typo is named before saving.
import { describe, expect, it } from 'vitest'
import { AttributesSchema } from '../../src/http/routes/semantic/access-schema'
import { attributesJson, formatAttributes, parseAttributes } from '../../console/src/attributes'

const SAMPLES: unknown[] = [
  {}, { region: ['West', 'South'], partner_id: 42 }, { active: true }, { _x: 'a' },
  { 'bad-name': 1 }, { '1st': 'x' }, { region: { nested: 1 } }, { region: [['West']] }, { region: null },
  { region: 'x'.repeat(200) }, { region: 'x'.repeat(201) }, { ids: Array.from({ length: 100 }, (_, i) => i) },
  { ids: Array.from({ length: 101 }, (_, i) => i) }, { [`a${'b'.repeat(63)}`]: 1 }, { [`a${'b'.repeat(64)}`]: 1 },
]

describe("the console's attributes", () => {
  it('show as name: values pairs sorted by name, nothing when empty', () => {
    expect(formatAttributes({ region: ['West', 'South'], partner_id: 42 })).toBe('partner_id: 42 · region: West, South')
    expect(formatAttributes({})).toBe('')
    expect(formatAttributes(undefined)).toBe('')
  })

  it('round-trip through the JSON editor', () => {
    const a = { region: ['West'], partner_id: 42, vip: false }
    expect(parseAttributes(attributesJson(a))).toEqual({ attributes: a })
    expect(parseAttributes('  ')).toEqual({ attributes: {} })
  })

  it('name what is wrong with bad input', () => {
    expect(parseAttributes('{region: West}')).toEqual({ error: expect.stringMatching(/must be JSON/) })
    expect(parseAttributes('["West"]')).toEqual({ error: expect.stringMatching(/JSON object/) })
    expect(parseAttributes('{"bad-name": 1}')).toEqual({ error: expect.stringMatching(/"bad-name" is not an attribute name/) })
    expect(parseAttributes('{"region": {"a": 1}}')).toEqual({ error: expect.stringMatching(/^region must be/) })
  })

  it('accept exactly what the API accepts', () => {
    for (const sample of SAMPLES) {
      const api = AttributesSchema.safeParse(sample).success
      const console = 'attributes' in parseAttributes(JSON.stringify(sample))
      expect(console, JSON.stringify(sample).slice(0, 80)).toBe(api)
    }
  })
})
