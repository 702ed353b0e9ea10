// Red-team pass 20: an instance keeps the connection rows its requests read
// (up to 10,000 of them, src/connections/connection-service.ts). A row carries
// the connection's cached schema, as large as the tenant's warehouse is wide
// (every table and column its login can see). Read per request it was freed
// at the end of the request; kept, a tenant with many connections to a wide
// warehouse would hold megabytes each in every instance's heap, and the bound
// on entries bounds nothing in bytes. The schema must not ride along in what
// is kept, and the schema endpoint must still answer from the stored cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import v8 from 'node:v8'
import vm from 'node:vm'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { eq } from 'drizzle-orm'
import { connections } from '../../src/store/schema'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** What introspecting a warehouse of `tables` tables of 12 columns caches. */
const wideSchema = (tables: number) => ({
  tables: Array.from({ length: tables }, (_, i) => ({
    schema: 'public', name: `table_${i}`,
    columns: Array.from({ length: 12 }, (_, j) => ({ name: `column_${j}_of_${i}`, type: 'integer', nullable: true })),
  })),
})

function heapAfterGc(): number {
  gc(); gc()
  return process.memoryUsage().heapUsed
}

describe('connection rows kept in memory', () => {
  let t: TestApp
  const ids: string[] = []
  beforeAll(async () => {
    t = await createTestApp()
    const schema = wideSchema(1500)
    for (let i = 0; i < 20; i++) {
      const id = `con_attack20_${randomBytes(4).toString('hex')}`
      await t.services.store.db.insert(connections).values({
        id, tenantId: t.tenantId, name: `wide-${i}`, type: 'postgres',
        config: { host: '127.0.0.1', port: 5432, database: 'dw', user: 'reader', ssl: 'disable' },
        schemaCache: schema, schemaCachedAt: new Date(),
      })
      ids.push(id)
    }
  }, 60_000)
  afterAll(async () => { await t?.close() })

  it('does not hold each connection\'s cached schema in the heap after the requests that read the rows', async () => {
    expect(t.services.store.changes.live).toBe(true)
    const before = heapAfterGc()
    for (const id of ids) {
      for (let i = 0; i < 2; i++) expect((await t.request('GET', `/api/v1/connections/${id}`)).status).toBe(200)
    }
    const retained = heapAfterGc() - before
    // 20 schemas of 18,000 columns each are tens of MiB as objects; kept rows without them, well under one.
    expect(retained).toBeLessThan(8 * 1024 * 1024)
  }, 60_000)

  it('still answers the schema endpoint from the stored cache, after the row was kept', async () => {
    const res = await t.request('GET', `/api/v1/connections/${ids[0]}/schema`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.tables).toHaveLength(1500)
    expect(body.cached_at).toEqual(expect.any(String))
  })

  it('keeps the stored schema through a rename of a kept connection, and drops it when the target changes', async () => {
    const id = ids[1]
    const stored = async () => (await t.services.store.db.select({ s: connections.schemaCache }).from(connections).where(eq(connections.id, id)))[0].s
    expect((await t.request('GET', `/api/v1/connections/${id}`)).status).toBe(200)
    expect((await t.request('PATCH', `/api/v1/connections/${id}`, { body: { name: 'renamed-wide' } })).status).toBe(200)
    expect(((await (await t.request('GET', `/api/v1/connections/${id}/schema`)).json()).tables)).toHaveLength(1500)
    expect((await t.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { database: 'elsewhere' } } })).status).toBe(200)
    expect(await stored()).toBeNull()
  })
})
