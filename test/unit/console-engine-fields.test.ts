import { describe, expect, it } from 'vitest'
import { CONNECTION_REGISTRY } from '../../connectors/registry'
import { CONNECTION_TYPES } from '../../connectors/connector'
import { ConnectionOptionsSchema } from '../../src/http/routes/connections/schema'
import { ENGINES, fromFormValue, configPatch, OPTION_FIELDS, toFormValue, type EngineField } from '../../console/src/pages/admin/engine-fields'

const keysOf = (schema: unknown) => Object.keys((schema as { shape: Record<string, unknown> }).shape).sort()
const fieldKeys = (fields: EngineField[]) => fields.map((f) => f.key).sort()

describe("the console's connection forms", () => {
  it('offer every engine the API accepts except the operator-only PGlite', () => {
    expect(ENGINES.map((e) => e.type).sort()).toEqual(CONNECTION_TYPES.filter((t) => t !== 'pglite').sort())
  })

  for (const engine of ENGINES) {
    it(`show exactly the config and credential fields the API validates for ${engine.type}`, () => {
      const schemas = CONNECTION_REGISTRY[engine.type as keyof typeof CONNECTION_REGISTRY].schemas
      expect(fieldKeys(engine.config)).toEqual(keysOf(schemas.config))
      expect(fieldKeys(engine.credentials)).toEqual(keysOf(schemas.credentials))
    })
  }

  it('show only connection options the API knows', () => {
    const known = keysOf(ConnectionOptionsSchema)
    for (const f of OPTION_FIELDS) expect(known).toContain(f.key)
  })

  it('patch only the shown fields (others stay stored) and send a cleared field as null', () => {
    const pg = ENGINES.find((e) => e.type === 'postgres')!
    const stored = { host: 'db', port: 5432, database: 'shop', user: 'ro', ssl: 'disable', schemas: ['a', 'b'], future_key: 1 }
    const values = Object.fromEntries(pg.config.map((f) => [f.key, toFormValue(f, stored[f.key as keyof typeof stored])]))
    expect(values.schemas).toBe('a, b')
    values.database = 'shop2'
    values.schemas = ''
    expect(configPatch(stored, pg.config, values)).toEqual({ host: 'db', port: 5432, database: 'shop2', user: 'ro', ssl: 'disable', schemas: null })
  })

  it('turn typed text into the JSON the API expects', () => {
    const num: EngineField = { key: 'port', label: 'Port', kind: 'number' }
    const list: EngineField = { key: 'schemas', label: 'Schemas', kind: 'list' }
    expect(fromFormValue(num, ' 6543 ')).toBe(6543)
    expect(fromFormValue(num, '')).toBeUndefined()
    expect(fromFormValue(list, 'a, ,b ')).toEqual(['a', 'b'])
    expect(fromFormValue({ key: 'password', label: 'Password', kind: 'password' }, ' p w ')).toBe(' p w ')
  })
})
