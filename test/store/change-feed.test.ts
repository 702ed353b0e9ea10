// Keys and connection rows are kept in memory only while the store's change
// feed vouches for them: a change committed anywhere (another instance, psql)
// holds from the next request on; a feed that lost its connection makes every
// read go to the store until it listens again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { openStore, type Store } from '../../src/store/db'
import { tenants, users } from '../../src/store/schema'
import { ApiKeyService } from '../../src/identity/api-keys'
import { ReadThroughCache } from '../../src/store/read-through-cache'
import { ChangeFanout, noChangeFeed, postgresChangeFeed, type ChangeFeed } from '../../src/store/change-feed'
import { serviceAvailable } from '../support/services'
import { adminSql, scratchDatabase } from '../support/scratch-database'

const hasPg = await serviceAvailable('postgres')
const db = scratchDatabase('nexatron_changes')

const heard = (feed: ChangeFeed) => {
  const tables: string[] = []
  feed.subscribe((t) => tables.push(t))
  return tables
}

async function tenant(store: Store) {
  const id = `ten_${randomBytes(4).toString('hex')}`
  await store.db.insert(tenants).values({ id, name: id })
  return id
}

/** Writes with triggers off (session_replication_role): a change no notice announces, to tell a kept value from a fresh read. */
async function unannounced(store: Store, statement: string) {
  await store.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL session_replication_role = replica`))
    await tx.execute(sql.raw(statement))
  })
}

describe('change notices on the embedded store', () => {
  let store: Store
  beforeAll(async () => { store = await openStore({ dataDir: 'memory://' }) }, 60_000)
  afterAll(async () => { await store?.close() })

  it('hears a committed key change, and no rolled-back one nor a last-used stamp', async () => {
    expect(store.changes.live).toBe(true)
    const keys = new ApiKeyService(store.db)
    const t = await tenant(store)
    const { view } = await keys.create(t, { name: 'k', scopes: ['query:run'] })
    const tables = heard(store.changes)
    await store.db.execute(sql`UPDATE api_keys SET last_used_at = now() WHERE id = ${view.id}`)
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${view.id}`)
      tx.rollback()
    }).catch(() => {})
    expect(tables).toEqual([])
    await store.db.execute(sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${view.id}`)
    // Heard before the statement's own promise settled: nothing can read the commit unannounced.
    expect(tables).toEqual(['api_keys'])
  })

  it('keeps a key between requests and drops it at its revocation', async () => {
    const keys = new ApiKeyService(store.db, undefined, undefined, { changes: store.changes })
    const t = await tenant(store)
    const { key, view } = await keys.create(t, { name: 'k', scopes: ['query:run'] })
    expect(await keys.authenticate(key)).toMatchObject({ id: view.id })
    // Proof it is kept: a change no notice announces is not seen...
    await unannounced(store, `UPDATE api_keys SET scopes = '["history:read"]' WHERE id = '${view.id}'`)
    expect((await keys.authenticate(key))?.scopes).toEqual(['query:run'])
    // ...and one that is, is.
    await store.db.execute(sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${view.id}`)
    expect(await keys.authenticate(key)).toBeNull()
  })

  it('drops a kept key when its owner is disabled or moved to another group', async () => {
    const keys = new ApiKeyService(store.db, undefined, undefined, { changes: store.changes })
    const t = await tenant(store)
    const userId = `usr_${randomBytes(4).toString('hex')}`
    await store.db.insert(users).values({ id: userId, tenantId: t, email: `${userId}@x.test`, passwordHash: 'x', role: 'analyst' })
    const { key } = await keys.create(t, { name: 'k', scopes: ['query:run'], ownerType: 'user', ownerUserId: userId })
    expect((await keys.authenticate(key))?.groups).toBeUndefined()
    await store.db.execute(sql.raw(`INSERT INTO groups (id, tenant_id, display_name) VALUES ('grp_${userId}', '${t}', 'masked')`))
    await store.db.execute(sql.raw(`INSERT INTO group_members (group_id, user_id, tenant_id) VALUES ('grp_${userId}', '${userId}', '${t}')`))
    expect((await keys.authenticate(key))?.groups).toEqual(['masked'])
    await store.db.execute(sql`UPDATE users SET disabled = true WHERE id = ${userId}`)
    expect(await keys.authenticate(key)).toBeNull()
  })

  it('reads the store inside a transaction, where uncommitted writes are not yet announced', async () => {
    let inTx = false
    const keys = new ApiKeyService(store.db, undefined, undefined, { changes: store.changes, bypass: () => inTx })
    const t = await tenant(store)
    const { key, view } = await keys.create(t, { name: 'k', scopes: ['query:run'] })
    await keys.authenticate(key)
    await unannounced(store, `UPDATE api_keys SET scopes = '["history:read"]' WHERE id = '${view.id}'`)
    inTx = true
    expect((await keys.authenticate(key))?.scopes).toEqual(['history:read'])
  })
})

describe('a read-through cache', () => {
  it('reads the store every time while its feed is not live', async () => {
    const cache = new ReadThroughCache<number>({ feed: noChangeFeed(), tables: ['t'] })
    let reads = 0
    for (let i = 0; i < 3; i++) await cache.get('k', async () => ++reads)
    expect(reads).toBe(3)
    expect(cache.size).toBe(0)
  })

  it('does not keep a read that a notice overtook (it may predate the change)', async () => {
    const feed = new ChangeFanout()
    feed.setLive(true)
    const cache = new ReadThroughCache<string>({ feed, tables: ['t'] })
    const stale = await cache.get('k', async () => { feed.emit('t'); return 'before' })
    expect(stale).toBe('before')
    expect(await cache.get('k', async () => 'after')).toBe('after')
  })

  it('forgets everything when its feed drops out, and ignores other tables', async () => {
    const feed = new ChangeFanout()
    feed.setLive(true)
    const cache = new ReadThroughCache<string>({ feed, tables: ['t'] })
    await cache.get('k', async () => 'v1')
    feed.emit('other')
    expect(await cache.get('k', async () => 'v2')).toBe('v1')
    feed.setLive(false)
    feed.setLive(true)
    expect(await cache.get('k', async () => 'v3')).toBe('v3')
  })

  it('bounds an entry by its age and the cache by its size', async () => {
    const feed = new ChangeFanout()
    feed.setLive(true)
    let now = 0
    const cache = new ReadThroughCache<number>({ feed, tables: ['t'], ttlMs: 1000, maxEntries: 2, now: () => now })
    await cache.get('a', async () => 1)
    now = 1001
    expect(await cache.get('a', async () => 2)).toBe(2)
    await cache.get('b', async () => 3)
    await cache.get('c', async () => 4)
    expect(cache.size).toBe(2)
    expect(await cache.get('a', async () => 5)).toBe(5)
  })
})

/** A client whose LISTEN succeeds; `echo` decides whether its session then hears its own notices (a pooler's does not). */
function fakeListener(echo: boolean) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const handlers: Record<string, Array<(m?: any) => void>> = {}
  return {
    connect: async () => {},
    end: async () => {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    on(event: string, fn: (m?: any) => void) { (handlers[event] ??= []).push(fn) },
    query: async (text: string) => {
      const sent = /pg_notify\('([^']+)', '([^']+)'\)/.exec(text)
      if (sent && echo) for (const fn of handlers.notification ?? []) fn({ channel: sent[1], payload: sent[2] })
      return { rows: [] }
    },
  }
}

describe('the PostgreSQL change feed', () => {
  it('is live only once its session heard a notice of its own, so a pooler that keeps no LISTEN makes it read the store', async () => {
    const listening = await postgresChangeFeed({ newClient: () => fakeListener(true), probeMs: 50, retryMs: 50 })
    const deaf = await postgresChangeFeed({ newClient: () => fakeListener(false), probeMs: 50, retryMs: 50 })
    try {
      expect(listening.live).toBe(true)
      expect(deaf.live).toBe(false)
      await new Promise((r) => setTimeout(r, 200))
      expect([listening.live, deaf.live]).toEqual([true, false])
    } finally {
      await listening.close()
      await deaf.close()
    }
  })
})

describe.skipIf(!hasPg)('change notices between two instances on one PostgreSQL', () => {
  let one: Store
  let two: Store
  beforeAll(async () => {
    await db.create()
    one = await openStore({ databaseUrl: db.url })
    two = await openStore({ databaseUrl: db.url })
  }, 60_000)
  afterAll(async () => {
    await one?.close()
    await two?.close()
    await db.drop()
  })

  // In one process the revoking call resolves before the other instance's socket is even read, so this
  // waits for the notice; test/e2e/proxy-scale-out.test.ts shows it arrives before a client's next request.
  it('drops a key on one instance when another revokes it, the notice heard from the other\'s commit', async () => {
    const a = new ApiKeyService(one.db, undefined, undefined, { changes: one.changes })
    const b = new ApiKeyService(two.db, undefined, undefined, { changes: two.changes })
    const tables = heard(one.changes)
    const t = await tenant(one)
    for (let i = 0; i < 10; i++) {
      const { key, view } = await b.create(t, { name: `k${i}`, scopes: ['query:run'] })
      expect(await a.authenticate(key)).toMatchObject({ id: view.id })
      expect(await a.authenticate(key)).toMatchObject({ id: view.id })
      tables.length = 0
      await b.revoke(t, view.id, { id: null, scopes: ['*'] })
      await expect.poll(() => tables.includes('api_keys'), { timeout: 2000, interval: 1 }).toBe(true)
      expect(await a.authenticate(key)).toBeNull()
    }
  })

  it('reads the store while its listening connection is gone, and keeps again once it listens anew', async () => {
    const a = new ApiKeyService(one.db, undefined, undefined, { changes: one.changes })
    const t = await tenant(one)
    const { key, view } = await a.create(t, { name: 'k', scopes: ['query:run'] })
    await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'nexatron change feed'`)
    await expect.poll(() => one.changes.live).toBe(false)
    await a.authenticate(key)
    await unannounced(one, `UPDATE api_keys SET scopes = '["history:read"]' WHERE id = '${view.id}'`)
    // Not live: nothing was kept, the unannounced change is read.
    expect((await a.authenticate(key))?.scopes).toEqual(['history:read'])
    await expect.poll(() => one.changes.live, { timeout: 10_000 }).toBe(true)
    await a.authenticate(key)
    await unannounced(one, `UPDATE api_keys SET scopes = '["query:run"]' WHERE id = '${view.id}'`)
    expect((await a.authenticate(key))?.scopes).toEqual(['history:read'])
  })
})
