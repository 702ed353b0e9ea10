// Abuse: the semantic layers held in memory. Every connection whose layer is
// read (a question, a listing, an import) left its whole layer in an
// in-process map for the life of the process, even after the connection was
// deleted: an admin creating, importing into and deleting connections in a
// loop grew the heap of an instance every tenant shares, without bound. Now a
// deleted connection's layer is dropped at once and the map keeps at most
// MAX_CACHED_LAYERS (least recently used out first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'
import { demoSemanticFiles } from '../../src/bootstrap'
import { SemanticStore } from '../../src/semantic-layer/semantic-store'

const pgOk = await serviceAvailable('postgres')
let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true }) })
afterAll(async () => { await t?.close() })

const layers = () => t.services.semantic.store.cachedLayers

describe.skipIf(!pgOk)('layers of deleted connections', () => {
  it('does not keep the layer of a connection once it is deleted, however many come and go', async () => {
    // Warm: the demo connection's layer is read the way a question reads it.
    expect((await t.request('GET', `/api/v1/semantic/saved-queries?connection_id=${t.demoConnectionId}`)).status).toBe(200)
    const before = layers()
    for (let i = 0; i < 4; i++) {
      const created = await t.request('POST', '/api/v1/connections', { body: {
        name: `churn-${i}`, type: 'postgres',
        config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: 'test', user: 'postgres', ssl: 'disable' },
        options: { allow_elevated_login: true },
      } })
      expect(created.status, await created.clone().text()).toBe(201)
      const id = (await created.json()).id
      const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: id, files: demoSemanticFiles(), check_relations: false, refresh_sample_values: false } })
      expect(imported.status, await imported.clone().text()).toBe(200)
      expect((await t.request('GET', `/api/v1/semantic/saved-queries?connection_id=${id}`)).status).toBe(200)
      expect(layers()).toBe(before + 1)
      expect((await t.request('DELETE', `/api/v1/connections/${id}`)).status).toBe(204)
      expect(layers()).toBe(before)
    }
  })
})

describe('the bound on layers held in memory', () => {
  it('keeps at most its bound, evicting the least recently used', async () => {
    const store = new SemanticStore(t.services.store.db, 2)
    const tenant = t.tenantId
    const a = await store.load(tenant, 'conn_a')
    const b = await store.load(tenant, 'conn_b')
    expect(await store.load(tenant, 'conn_a')).toBe(a) // a is now the most recently used
    await store.load(tenant, 'conn_c')
    expect(store.cachedLayers).toBe(2)
    // b went out, a stayed: a is served from memory, b is read from the store again.
    expect(await store.load(tenant, 'conn_a')).toBe(a)
    expect(await store.load(tenant, 'conn_b')).not.toBe(b)
    expect(store.cachedLayers).toBe(2)
  })
})
