// The ambient transaction of an audited mutation (src/audit/ambient-tx.ts):
// opened at the first write, not before, so a request holds nothing while it
// only reads or waits on the outside world; committed with everything written
// in its context, or rolled back whole. Run on both stores.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/db'
import { tenants } from '../../src/store/schema'
import { ambientDb, assertNoTransaction, currentTransaction, lockForWrites, withAmbientTransaction } from '../../src/audit/ambient-tx'
import { serviceAvailable, SERVICES } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_ambient_${randomBytes(4).toString('hex')}`
const admin = async (statement: string) => {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(statement) } finally { await c.end() }
}

const stores: Array<[string, () => Promise<Store>, boolean]> = [
  ['PGlite', () => openStore({}), true],
  ['PostgreSQL', async () => {
    await admin(`CREATE DATABASE ${DB}`)
    return openStore({ databaseUrl: `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}` })
  }, hasPg],
]

for (const [name, open, available] of stores) {
  describe.skipIf(!available)(`ambient transaction on ${name}`, () => {
    let store: Store
    let db: ReturnType<typeof ambientDb>
    beforeAll(async () => { store = await open(); db = ambientDb(store.db) })
    afterAll(async () => {
      await store?.close()
      if (name === 'PostgreSQL') await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    })

    const id = () => `tnt_${randomBytes(6).toString('hex')}`
    const stored = async (ids: string[]) => (await store.db.select({ id: tenants.id }).from(tenants).where(inArray(tenants.id, ids))).map((r) => r.id).sort()

    it('opens no transaction for reads, and one at the first write that later statements join', async () => {
      const a = id()
      const seen: Array<boolean> = []
      await withAmbientTransaction(store.db, async () => {
        await db.select().from(tenants).limit(1)
        await db.execute(sql`SELECT 1`)
        seen.push(!!currentTransaction())
        await db.insert(tenants).values({ id: a, name: a })
        seen.push(!!currentTransaction())
        expect(await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, a))).toEqual([{ id: a }])
      })
      expect(seen).toEqual([false, true])
      expect(await stored([a])).toEqual([a])
    })

    it('rolls back every write of the context when it throws, a service transaction included', async () => {
      const [a, b] = [id(), id()]
      const err = await withAmbientTransaction(store.db, async () => {
        await db.insert(tenants).values({ id: a, name: a })
        await db.transaction(async (tx) => { await tx.insert(tenants).values({ id: b, name: b }) })
        throw new Error('the record could not be written')
      }).catch((e: Error) => e)
      expect(err).toBeInstanceOf(Error)
      expect(await stored([a, b])).toEqual([])
    })

    it('opens the transaction for a service transaction that comes first, as a savepoint of it', async () => {
      const [a, b] = [id(), id()]
      await withAmbientTransaction(store.db, async () => {
        await db.transaction(async (tx) => { await tx.insert(tenants).values({ id: a, name: a }) })
        // A failed savepoint is undone alone; the rest commits.
        await db.transaction(async (tx) => { await tx.insert(tenants).values({ id: b, name: b }); throw new Error('undo') }).catch(() => {})
      })
      expect(await stored([a, b])).toEqual([a])
    })

    it('takes a lock asked for before the first write when the transaction opens; its refusal fails that write', async () => {
      const [a, b] = [id(), id()]
      const order: string[] = []
      await withAmbientTransaction(store.db, async () => {
        await lockForWrites(async (tx) => { order.push('lock'); await tx.select().from(tenants).limit(1).for('update') })
        order.push('checked')
        await db.insert(tenants).values({ id: a, name: a })
        order.push('written')
      })
      expect(order).toEqual(['checked', 'lock', 'written'])
      expect(await stored([a])).toEqual([a])

      const refused = await withAmbientTransaction(store.db, async () => {
        await lockForWrites(async () => { throw new Error('over the limit') })
        return db.insert(tenants).values({ id: b, name: b }).then(() => 'written', (e: Error) => e.message)
      })
      expect(refused).toBe('over the limit')
      expect(await stored([b])).toEqual([])
    })

    it('lets a read that races the first write wait for the transaction instead of blocking on it', async () => {
      const a = id()
      const rows = await withAmbientTransaction(store.db, async () => {
        const [, read] = await Promise.all([
          db.insert(tenants).values({ id: a, name: a }),
          db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, a)),
        ])
        return read
      })
      expect(rows).toEqual([{ id: a }])
    })

    it('sends a raw read to the store and a raw write into the transaction', async () => {
      const a = id()
      await withAmbientTransaction(store.db, async () => {
        await db.execute(sql`SELECT count(*) FROM ${tenants}`)
        expect(currentTransaction()).toBeUndefined()
        await db.execute(sql`INSERT INTO ${tenants} (id, name) VALUES (${a}, ${a})`)
        expect(currentTransaction()).toBeDefined()
      })
      expect(await stored([a])).toEqual([a])
    })

    it('refuses to reach the outside world once the context has written, and not before', async () => {
      await withAmbientTransaction(store.db, async () => {
        expect(() => assertNoTransaction('a warehouse')).not.toThrow()
        await db.insert(tenants).values({ id: id(), name: id() })
        expect(() => assertNoTransaction('a warehouse')).toThrow(/a warehouse was reached with a store transaction open/)
      })
    })

    it('leaves other callers free while a context has not written, however long it waits', async () => {
      // The gate exists before the context starts: released before the context reaches it, it must not hang.
      let release = () => {}
      const gate = new Promise<void>((r) => { release = r })
      const waiting = withAmbientTransaction(store.db, async () => {
        await db.select().from(tenants).limit(1)
        await gate
      })
      // Another caller's own transaction and plain statements go through meanwhile.
      const a = id()
      await store.db.transaction(async (tx) => { await tx.insert(tenants).values({ id: a, name: a }) })
      expect(await stored([a])).toEqual([a])
      release()
      await waiting
    })
  })
}
