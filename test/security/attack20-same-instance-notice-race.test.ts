// Red-team pass 20: instances keep checked keys and connection rows in memory
// until the store's change notice arrives on their listening connection
// (src/store/change-feed.ts). The notice travels on that connection, the
// writer's commit on a pool connection: two sockets. A client whose change was
// acknowledged by an instance sends its next request to that same instance,
// which must not answer from what it kept before the change, whichever socket
// it happens to read first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { openStore, type Store } from '../../src/store/db'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen, type LiveServer } from '../support/live-server'
import { serviceAvailable, SERVICES } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_attack20_${randomBytes(4).toString('hex')}`
const url = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { return await c.query(statement) } finally { await c.end() }
}

describe.skipIf(!hasPg)('a change acknowledged by an instance, then the next request to the same instance', () => {
  let store: Store
  let t: TestApp
  let server: LiveServer
  const call = (method: string, path: string, key: string, body?: unknown) => fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${DB}`)
    store = await openStore({ databaseUrl: url })
    t = await createTestApp({ DATABASE_URL: url, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64') }, { store })
    server = await listen(t.app)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
    await store?.close()
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
  })

  it('refuses a key at the request right after its revocation was answered, every time', async () => {
    expect(store.changes.live).toBe(true)
    const served: number[] = []
    for (let n = 0; n < 80; n++) {
      const made = await call('POST', '/api/v1/api-keys', t.adminKey, { name: `r${n}`, scopes: ['query:read'] })
      expect(made.status).toBe(201)
      const { id, key } = await made.json() as { id: string; key: string }
      for (let i = 0; i < 2; i++) expect((await call('GET', '/api/v1/query/history?limit=1', key)).status).toBe(200)
      expect((await call('DELETE', `/api/v1/api-keys/${id}`, t.adminKey)).status).toBe(204)
      served.push((await call('GET', '/api/v1/query/history?limit=1', key)).status)
      // In process too (no socket between the answer and the next request): the tightest a next request can follow.
      const again = await t.request('POST', '/api/v1/api-keys', { body: { name: `p${n}`, scopes: ['query:read'] } })
      const kept = await again.json() as { id: string; key: string }
      for (let i = 0; i < 2; i++) expect((await t.request('GET', '/api/v1/query/history?limit=1', { key: kept.key })).status).toBe(200)
      expect((await t.request('DELETE', `/api/v1/api-keys/${kept.id}`)).status).toBe(204)
      served.push((await t.request('GET', '/api/v1/query/history?limit=1', { key: kept.key })).status)
    }
    expect(served.filter((s) => s !== 401)).toEqual([])
  }, 120_000)

  it('answers 404 for a connection at the request right after its deletion was answered, every time', async () => {
    const served: number[] = []
    for (let n = 0; n < 20; n++) {
      const made = await call('POST', '/api/v1/connections', t.adminKey, {
        name: `gone-${n}`, type: 'postgres', config: { host: '127.0.0.1', port: SERVICES.postgres.port, database: DB, user: 'postgres', ssl: 'disable' },
        options: { allow_elevated_login: true },
      })
      expect(made.status).toBe(201)
      const { id } = await made.json() as { id: string }
      for (let i = 0; i < 2; i++) expect((await call('GET', `/api/v1/connections/${id}`, t.adminKey)).status).toBe(200)
      expect((await call('DELETE', `/api/v1/connections/${id}`, t.adminKey)).status).toBe(204)
      served.push((await call('GET', `/api/v1/connections/${id}`, t.adminKey)).status)
      // In process too, as above.
      const again = await t.request('POST', '/api/v1/connections', { body: {
        name: `gone-p${n}`, type: 'postgres', config: { host: '127.0.0.1', port: SERVICES.postgres.port, database: DB, user: 'postgres', ssl: 'disable' },
        options: { allow_elevated_login: true },
      } })
      expect(again.status).toBe(201)
      const other = (await again.json()).id as string
      for (let i = 0; i < 2; i++) expect((await t.request('GET', `/api/v1/connections/${other}`)).status).toBe(200)
      expect((await t.request('DELETE', `/api/v1/connections/${other}`)).status).toBe(204)
      served.push((await t.request('GET', `/api/v1/connections/${other}`)).status)
    }
    expect(served.filter((s) => s !== 404)).toEqual([])
  }, 120_000)
})
