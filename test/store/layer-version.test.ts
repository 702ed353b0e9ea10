// A question reads its connection row anyway; the row's layer_version, renewed
// by a store trigger on every write to the connection's semantic layer or
// access policies, tells whether the layer cached in memory is current, so a
// question asks the store nothing more about it. These tests hold the cache to
// the store on both engines: writes from another instance (or from psql),
// policy writes, a transaction that rolled back, and cascading deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { openStore, type Store } from '../../src/store/db'
import { accessPolicies, connections, semanticMetrics, tenants } from '../../src/store/schema'
import { SemanticStore } from '../../src/semantic-layer/semantic-store'
import { ambientDb, withAmbientTransaction } from '../../src/audit/ambient-tx'
import { serviceAvailable } from '../support/services'
import { scratchDatabase } from '../support/scratch-database'
import type { SemanticManifest } from '../../semantic/types'

const hasPg = await serviceAvailable('postgres')
const scratch = scratchDatabase('nexatron_layerv')

const layer = (...metrics: string[]): SemanticManifest => ({
  semantic_models: [{
    name: 'orders', node_relation: { schema_name: 'shop', alias: 'orders' }, defaults: { agg_time_dimension: 'ordered_at' },
    entities: [{ name: 'order', type: 'primary', expr: 'id' }],
    dimensions: [{ name: 'ordered_at', type: 'time', type_params: { time_granularity: 'day' } }],
    measures: [{ name: 'amount', agg: 'sum' }],
  }],
  metrics: metrics.map((name) => ({ name, type: 'simple', type_params: { measure: 'amount' } })),
  time_spines: [], saved_queries: [],
} as SemanticManifest)

function suite(engine: string, open: () => Promise<Store[]>, skip = false) {
  describe.skipIf(skip)(`the layer cache on ${engine}`, () => {
    let stores: Store[] = []
    let one: Store
    let two: Store
    beforeAll(async () => { stores = await open(); [one, two] = [stores[0], stores.at(-1)!] }, 60_000)
    afterAll(async () => { for (const s of new Set(stores)) await s.close() })

    async function connection(store: Store) {
      const tenantId = `ten_${randomBytes(4).toString('hex')}`
      const connectionId = `conn_${randomBytes(4).toString('hex')}`
      await store.db.insert(tenants).values({ id: tenantId, name: tenantId })
      await store.db.insert(connections).values({ id: connectionId, tenantId, name: 'wh', type: 'postgres', config: {} })
      return { tenantId, connectionId }
    }
    /** The version a question would read with its connection row. */
    const versionOf = async (store: Store, id: string) => (await store.db.select({ v: connections.layerVersion }).from(connections).where(eq(connections.id, id)))[0].v
    const metricNames = (l: { manifest: SemanticManifest }) => l.manifest.metrics.map((m) => m.name).sort()

    it('sees a write made through another instance (or by hand) at the next question, and asks nothing while nothing changed', async () => {
      const { tenantId, connectionId } = await connection(one)
      const here = new SemanticStore(one.db)
      const there = new SemanticStore(two.db)
      await there.write(tenantId, connectionId, layer('revenue'), 'replace')
      const first = await here.load(tenantId, connectionId, await versionOf(one, connectionId))
      expect(metricNames(first)).toEqual(['revenue'])
      // nothing changed: the same object, no statement needed
      expect(await here.load(tenantId, connectionId, await versionOf(one, connectionId))).toBe(first)
      // a write by hand, not through any service
      await two.db.update(semanticMetrics).set({ name: 'turnover' }).where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.name, 'revenue')))
      expect(metricNames(await here.load(tenantId, connectionId, await versionOf(one, connectionId)))).toEqual(['turnover'])
      // without a version the store is asked
      await there.write(tenantId, connectionId, layer('turnover', 'margin'), 'merge')
      expect(metricNames(await here.load(tenantId, connectionId))).toEqual(['margin', 'turnover'])
    })

    it('renews the version when access policies change', async () => {
      const { tenantId, connectionId } = await connection(one)
      const before = await versionOf(one, connectionId)
      await two.db.insert(accessPolicies).values({ connectionId, tenantId, policies: [] })
      const inserted = await versionOf(one, connectionId)
      expect(inserted).not.toBe(before)
      await two.db.update(accessPolicies).set({ policies: [{ name: 'p' }] }).where(eq(accessPolicies.connectionId, connectionId))
      expect(await versionOf(one, connectionId)).not.toBe(inserted)
    })

    it('never serves a layer read inside a transaction that rolled back, even after later writes', async () => {
      const { tenantId, connectionId } = await connection(one)
      const db = ambientDb(one.db)
      const store = new SemanticStore(db)
      await store.write(tenantId, connectionId, layer('revenue'), 'replace')
      await expect(withAmbientTransaction(one.db, async () => {
        await store.write(tenantId, connectionId, layer('revenue', 'ghost'), 'merge')
        // read inside the transaction: it sees (and caches) its own uncommitted write
        expect(metricNames(await store.load(tenantId, connectionId))).toEqual(['ghost', 'revenue'])
        throw new Error('the mutation failed')
      })).rejects.toThrow('the mutation failed')
      // a committed write afterwards, before this instance asks again, never gets the rolled-back read's version
      await new SemanticStore(two.db).write(tenantId, connectionId, layer('revenue', 'margin'), 'merge')
      expect(metricNames(await store.load(tenantId, connectionId, await versionOf(one, connectionId)))).toEqual(['margin', 'revenue'])
    })

    it('deletes a tenant or a connection with its layer and policies (the trigger does not stand in the way of cascades)', async () => {
      const a = await connection(one)
      await new SemanticStore(one.db).write(a.tenantId, a.connectionId, layer('revenue'), 'replace')
      await one.db.insert(accessPolicies).values({ connectionId: a.connectionId, tenantId: a.tenantId, policies: [] })
      await one.db.delete(connections).where(eq(connections.id, a.connectionId))
      expect(await one.db.select().from(semanticMetrics).where(eq(semanticMetrics.connectionId, a.connectionId))).toEqual([])
      const b = await connection(one)
      await new SemanticStore(one.db).write(b.tenantId, b.connectionId, layer('revenue'), 'replace')
      await one.db.delete(tenants).where(eq(tenants.id, b.tenantId))
      expect(await one.db.select().from(connections).where(eq(connections.id, b.connectionId))).toEqual([])
    })
  })
}

suite('the embedded store (PGlite)', async () => { const s = await openStore({}); return [s] })
suite('PostgreSQL, two instances', async () => {
  await scratch.create()
  return [await openStore({ databaseUrl: scratch.url }), await openStore({ databaseUrl: scratch.url })]
}, !hasPg)
afterAll(async () => { if (hasPg) await scratch.drop() })
