// Attack: a value that reads differently in the displayed SQL than it ran.
// `sql_inline` is display only, but people copy it into their own SQL client,
// under their own (often wider) login. Redshift always reads a backslash in a
// string literal as an escape (the guard refuses such literals for that
// reason), and so does PostgreSQL with standard_conforming_strings off: a
// filter value `x\' OR 1=1 --` was shown as 'x\'' OR 1=1 --', which those
// engines read as the string x' followed by OR 1=1. The display must mean the
// value that was bound, on every server setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'

const available = await serviceAvailable('postgres')
const LAYER = `
semantic_models:
  - name: stores
    node_relation: { schema_name: shop, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    defaults: { agg_time_dimension: opened_on }
    dimensions:
      - { name: region, type: categorical }
      - { name: opened_on, type: time, type_params: { time_granularity: day } }
    measures: [{ name: store_count, agg: count, expr: id }]
metrics:
  - { name: stores, type: simple, type_params: { measure: store_count } }
`
const HOSTILE = "x\\' OR 1=1 --"
let t: TestApp

describe.skipIf(!available)('attack: a backslash in a value shown in sql_inline', () => {
  beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }) })
  afterAll(async () => { await t?.close() })

  for (const type of ['redshift', 'postgres'] as const) {
    it(`${type}: shows the value as one string literal whatever the server reads backslashes as`, async () => {
      const created = await t.request('POST', '/api/v1/connections', { body: {
        name: `wh-${type}`, type, config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: 'postgres', user: 'postgres', ssl: 'disable' },
        options: { allow_elevated_login: true },
      } })
      expect(created.status, await created.clone().text()).toBe(201)
      const conn = (await created.json()).id
      const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, check_relations: false, refresh_sample_values: false, files: [{ path: 's.yml', content: LAYER }] } })
      expect(imported.status, await imported.clone().text()).toBe(200)
      const res = await t.request('POST', '/api/v1/semantic/access/preview', { body: {
        connection_id: conn, principal: { role: 'admin' }, query: { metrics: ['stores'], filters: [{ field: 'store__region', op: '=', value: HOSTILE }] },
      } })
      expect(res.status, await res.clone().text()).toBe(200)
      const { sql_inline: inline, params } = await res.json()
      expect(params).toContain(HOSTILE)
      // Read as the engine would with backslash escapes on: the literal must hold the whole value, and nothing may follow it.
      const m = /(E?)'((?:[^'\\]|''|\\.)*)'/.exec(inline.slice(inline.indexOf('WHERE')))
      expect(m, inline).not.toBeNull()
      expect(m![2].replace(/''/g, "'").replace(/\\(.)/g, '$1')).toBe(HOSTILE)
      expect(inline).not.toMatch(/OR 1=1 --'?\s*$/m)
      // and as standard strings read it, where E'' is not used: no lone backslash before a quote
      if (m![1] !== 'E') expect(m![2]).not.toMatch(/(^|[^\\])\\'/)
    })
  }
})
