// Attack: advance a sequence (and probe for objects outside the layer) with
// `seq.NEXTVAL`. In Snowflake it reads like a qualified column, so the guard,
// which checks relations and function calls, let it through: a dimension
// expression `INVOICE_SEQ.NEXTVAL` written with semantic:write was stored and
// then ran, once per row, on a warehouse with no read-only session, changing
// the sequence other systems draw ids from and telling by its error whether
// the object exists. An analyst's where filter was already refused; it stays
// pinned here. (Tested against the local Snowflake protocol server.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SnowflakeTestServer, result } from '../support/snowflake-server'
import { guardSql } from '../../src/security/sql-guard'

const LAYER = `
semantic_models:
  - name: orders
    node_relation: { schema_name: PUBLIC, alias: ORDERS }
    defaults: { agg_time_dimension: ordered_at }
    entities: [{ name: order_id, type: primary, expr: ID }]
    dimensions:
      - { name: status, type: categorical, expr: STATUS }
      - { name: ordered_at, type: time, expr: ORDERED_AT, type_params: { time_granularity: day } }
    measures: [{ name: amount, agg: sum, expr: AMOUNT }]
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
`
let t: TestApp
let server: SnowflakeTestServer
let conn: string
const sentNextval = () => server.queries.filter((q) => /nextval/i.test(q.sql))

describe('attack: seq.NEXTVAL through the layer and a where filter', () => {
  beforeAll(async () => {
    server = await new SnowflakeTestServer().start()
    server.on(/from "?public"?\."?orders"?/i, result([{ name: 'X', type: 'fixed', precision: 10 }], [['1']]))
    t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_ALLOWED_NETWORKS: 'all' })
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'sf', type: 'snowflake', config: { account: 'acme-test', database: 'ANALYTICS', warehouse: 'WH', access_url: server.url },
      credentials: { username: 'nexatron', password: 'secret' }, options: { allow_elevated_login: true },
    } })
    expect(created.status, await created.clone().text()).toBe(201)
    conn = (await created.json()).id
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, check_relations: false, refresh_sample_values: false, files: [{ path: 's.yml', content: LAYER }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
  })
  afterAll(async () => { await t?.close(); await server?.stop() })

  it('refuses it in an analyst\'s where filter and sends nothing with NEXTVAL', async () => {
    const analyst = await t.request('POST', '/api/v1/api-keys', { body: { name: 'a', scopes: ['query:run', 'query:read'] } })
    const key = (await analyst.json()).key
    for (const where of ['OPS.INVOICE_SEQ.NEXTVAL > 0', 'INVOICE_SEQ.NEXTVAL > 0', '"INVOICE_SEQ"."NEXTVAL" IS NOT NULL', '{{ Dimension(\'order_id__status\') }} = TO_VARCHAR(INVOICE_SEQ.nextval)']) {
      const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'], where: [where] } })
      expect(res.status, `${where}: ${await res.clone().text()}`).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    expect(sentNextval()).toEqual([])
  })

  it('refuses it in a dimension expression at store time', async () => {
    const res = await t.request('POST', '/api/v1/semantic/models', { body: {
      connection_id: conn, name: 'ticks', node_relation: { schema_name: 'PUBLIC', alias: 'ORDERS' },
      entities: [{ name: 'tick', type: 'primary', expr: 'ID' }], dimensions: [{ name: 'next_id', type: 'categorical', expr: 'INVOICE_SEQ.NEXTVAL' }],
    } })
    expect(res.status, await res.clone().text()).toBe(422)
    expect(sentNextval()).toEqual([])
  })

  it('still runs a query over the layer, and reads an unqualified column named nextval (control)', async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: conn, metrics: ['revenue'] } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(guardSql('SELECT nextval FROM t', { dialect: 'mysql', allowedRelations: ['t'] }).relations).toEqual(['t'])
    expect(() => guardSql('SELECT s.nextval FROM t', { dialect: 'mysql', allowedRelations: ['t'] })).toThrow(/sequence/)
  })
})
