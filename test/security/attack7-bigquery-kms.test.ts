// Attack: use the connection's Google service account as a Cloud KMS client.
// BigQuery's KEYS.KEYSET_CHAIN('gcp-kms://projects/.../cryptoKeys/k', wrapped)
// asks Cloud KMS, as the service account, to unwrap a keyset with any key that
// account may use, in any project; AEAD.DECRYPT_STRING(KEYS.KEYSET_CHAIN(...),
// ciphertext, aad) then decrypts text the caller brings along, and the error
// tells whether a key exists and whether the account may use it. The guard
// denied the other Cloud resource calls (AI.*, OBJ.*, EXTERNAL_QUERY) but let
// KEYS.* through, so a where filter or a dimension written with semantic:write
// (a layer author, not an admin) reached KMS. (Tested against the local BigQuery REST server.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { BigQueryTestServer, bqResult } from '../support/bigquery-server'
import { guardSql } from '../../src/security/sql-guard'

process.env.METADATA_SERVER_DETECTION = 'none'

const LAYER = `
semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities: [{ name: order_id, type: primary, expr: id }]
    dimensions:
      - { name: status, type: categorical, expr: status }
      - { name: ordered_at, type: time, expr: ordered_at, type_params: { time_granularity: day } }
    measures: [{ name: amount, agg: sum, expr: amount }]
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
`
const KMS = "'gcp-kms://projects/victim/locations/us/keyRings/r/cryptoKeys/payroll'"
const CHAIN = `KEYS.KEYSET_CHAIN(${KMS}, FROM_BASE64('CiQA'))`

let t: TestApp
let server: BigQueryTestServer
let conn: string
const sentKms = () => server.jobs.filter((j) => /keyset_chain|wrapped_keyset|gcp-kms/i.test(j.sql))

describe('attack: KEYS.* (Cloud KMS) through a where filter and the layer', () => {
  beforeAll(async () => {
    server = await new BigQueryTestServer().start()
    server.on(/from `?shop`?\.`?orders`?/i, bqResult([{ name: 'revenue', type: 'FLOAT' }], [['1']]))
    t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_ALLOWED_NETWORKS: 'all' })
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'bq', type: 'bigquery', config: { project_id: 'nexatron-test', location: 'US', api_endpoint: server.url },
      credentials: { access_token: 'test-access-token' }, options: { allow_elevated_login: true },
    } })
    expect(created.status, await created.clone().text()).toBe(201)
    conn = (await created.json()).id
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, check_relations: false, refresh_sample_values: false, files: [{ path: 's.yml', content: LAYER }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
  })
  afterAll(async () => { await t?.close(); await server?.stop() })

  it('refuses KEYS.* in a where filter of a layer author (not an admin) and sends nothing that reaches KMS', async () => {
    const author = await t.request('POST', '/api/v1/api-keys', { body: { name: 'author', scopes: ['query:run', 'query:read', 'semantic:write'] } })
    const key = (await author.json()).key
    for (const where of [
      `AEAD.DECRYPT_STRING(${CHAIN}, FROM_BASE64('AQID'), '') IS NOT NULL`,
      `DETERMINISTIC_DECRYPT_STRING(${CHAIN}, FROM_BASE64('AQID'), '') = 'x'`,
      `\`keys\`.\`keyset_chain\`(${KMS}, FROM_BASE64('CiQA')) IS NULL`,
      `KEYS.NEW_WRAPPED_KEYSET(${KMS}, 'AEAD_AES_GCM_256') IS NOT NULL`,
      `KEYS.REWRAP_KEYSET(${KMS}, ${KMS}, FROM_BASE64('CiQA')) IS NOT NULL`,
      `KEYS.ROTATE_WRAPPED_KEYSET(${KMS}, FROM_BASE64('CiQA'), 'AEAD_AES_GCM_256') IS NOT NULL`,
    ]) {
      const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'], where: [where] } })
      expect(res.status, `${where}: ${await res.clone().text()}`).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    expect(sentKms()).toEqual([])
  })

  it('refuses it in a dimension expression at store time', async () => {
    const author = await t.request('POST', '/api/v1/api-keys', { body: { name: 'author2', scopes: ['semantic:read', 'semantic:write'] } })
    const res = await t.request('POST', '/api/v1/semantic/models', { key: (await author.json()).key, body: {
      connection_id: conn, name: 'secrets', node_relation: { schema_name: 'shop', alias: 'orders' },
      entities: [{ name: 'secret_id', type: 'primary', expr: 'id' }],
      dimensions: [{ name: 'clear', type: 'categorical', expr: `AEAD.DECRYPT_STRING(${CHAIN}, status, '')` }],
    } })
    expect(res.status, await res.clone().text()).toBe(422)
    expect(sentKms()).toEqual([])
  })

  it('still runs a query over the layer, and AEAD with a keyset held in a column (no KMS) stays allowed (control)', async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: conn, metrics: ['revenue'] } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(guardSql("SELECT AEAD.DECRYPT_STRING(k, c, '') FROM shop.orders", { dialect: 'bigquery', allowedRelations: ['shop.orders'] }).relations).toEqual(['shop.orders'])
  })
})
