// Attack: make the database say the mask key. The keyed hash writes the
// tenant's key into the SQL as a literal, and several databases quote the
// statement in their errors: ClickHouse ("while processing query: '<sql>'"),
// MariaDB ("near '<the next 80 characters>'"). The client's copy of a database
// error drops quoted runs (error-mapping.ts databaseText), but the statement's
// own quotes nest inside the quoting one, so the key ends up outside a quoted
// run: shown whole, or cut short where the database cut the statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { ConnectorError, type Connector, type RowBatch } from '../../connectors/connector'
import type { AccessPolicy } from '../../semantic/access'

let quoteAs: (sql: string) => string = (sql) => sql
const connector: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(q): AsyncIterable<RowBatch> {
    throw new ConnectorError('query_failed', 'postgres', quoteAs(q.sql))
  },
  close: async () => {},
}

let t: TestApp
let analyst: string
let key: string
const MASK: AccessPolicy = { name: 'store_names_hashed', model: 'stores', mask: [{ dimension: 'store_name', method: 'hash' }], bypass_roles: ['admin'] }
const fromKey = (sql: string) => sql.slice(sql.indexOf(key) - 30)

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RESULT_CACHE: 'false' }, { demo: true, connectorFactory: () => connector })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [MASK] } })
  expect(put.status, await put.clone().text()).toBe(200)
  analyst = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'analyst', scopes: ['query:run', 'query:read'] } })).json()).key
  key = t.services.secretBox.deriveKey(`nexatron-mask-v1:${t.tenantId}`).toString('hex')
}, 120_000)
afterAll(async () => { await t?.close() })

async function failedAnswer(): Promise<string[]> {
  const res = await t.request('POST', '/api/v1/semantic/query', { key: analyst, body: { metrics: ['total_sales'], group_by: ['store__store_name'] } })
  expect(res.status).toBeGreaterThanOrEqual(400)
  const body = await res.text()
  const history = await (await t.request('GET', '/api/v1/query/history?limit=1', { key: analyst })).text()
  return [body, history]
}

describe('attack: a database error that quotes the statement holding the mask key', () => {
  it('hides the key where the error quotes the whole statement (ClickHouse)', async () => {
    quoteAs = (sql) => `Code: 47. DB::Exception: Missing columns: 'x' while processing query: '${fromKey(sql)}', required columns: 'x'`
    for (const s of await failedAnswer()) expect(s).not.toContain(key.slice(0, 16))
  })

  it('hides a piece of the key where the error quotes the statement cut short (MariaDB near)', async () => {
    quoteAs = (sql) => `You have an error in your SQL syntax; check the manual for the right syntax to use near '${fromKey(sql).slice(0, 80)}' at line 1`
    for (const s of await failedAnswer()) expect(s).not.toContain(key.slice(0, 16))
  })
})
