// A run record's writes go through statements prepared once per shape: the
// values written must be exactly those the query builder would write — SQL
// NULL for null (not the JSON value null), JSON and dates as themselves — for
// every shape, on the embedded store and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { openStore, type Store } from '../../src/store/db'
import { tenants } from '../../src/store/schema'
import { QueryHistory } from '../../src/query/history'
import { SERVICES, serviceAvailable } from '../support/services'

const pgUp = await serviceAvailable('postgres')

async function freshPgStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const pg = (await import('pg')).default
  const name = `nx_runrec_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: SERVICES.postgres.url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const store = await openStore({ databaseUrl: SERVICES.postgres.url.replace(/\/[^/]*$/, `/${name}`) })
  return {
    store,
    drop: async () => {
      await store.close()
      const a = new pg.Client({ connectionString: SERVICES.postgres.url })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}

const stores: Array<[string, () => Promise<{ store: Store; drop: () => Promise<void> }>, boolean]> = [
  ['the embedded store', async () => { const store = await openStore({}); return { store, drop: () => store.close() } }, true],
  ['PostgreSQL', freshPgStore, pgUp],
]

for (const [label, open, available] of stores) {
  describe.skipIf(!available)(`run record writes on ${label}`, () => {
    let store: Store
    let drop: () => Promise<void>
    let history: QueryHistory
    beforeAll(async () => {
      ({ store, drop } = await open())
      await store.db.insert(tenants).values({ id: 'ten_a', name: 'a' })
      history = new QueryHistory(store.db)
    }, 60_000)
    afterAll(async () => { await drop?.() })

    const raw = async (id: string) => (await store.db.execute(sql`SELECT error IS NULL AS error_null, jsonb_typeof(error) AS error_type, usage IS NULL AS usage_null, result_rows, request, finished_at, status, row_count FROM queries WHERE id = ${id}`) as unknown as { rows: Array<Record<string, unknown>> }).rows[0]

    it('writes null as SQL NULL and JSON as JSON, through every shape, again and again', async () => {
      for (let i = 0; i < 3; i++) {
        const run = await history.create({ tenantId: 'ten_a', principalId: 'key_a', connectionId: 'conn_x', conversationId: null, question: `q${i}`, source: 'question', status: 'running', request: { n: i } })
        await history.update(run.id, { status: 'failed', error: { code: 'query_timeout', message: 'slow', details: [] }, finishedAt: new Date('2026-01-02T03:04:05Z') })
        expect(await raw(run.id)).toMatchObject({ error_null: false, error_type: 'object', status: 'failed' })
        await history.update(run.id, { status: 'succeeded', error: null, usage: null, rowCount: 2, resultRows: [[1, 'a'], [2, null]], finishedAt: new Date('2026-01-02T03:04:06Z') })
        const after = await raw(run.id)
        expect(after).toMatchObject({ error_null: true, error_type: null, usage_null: true, status: 'succeeded', row_count: 2, result_rows: [[1, 'a'], [2, null]], request: { n: i } })
        expect(new Date(after.finished_at as string).toISOString()).toBe('2026-01-02T03:04:06.000Z')
        expect(history.recentlySettled(run.id)).toMatchObject({ status: 'succeeded', error: null, rowCount: 2 })
      }
    })

    it('writes a value that is an expression over the row as that expression', async () => {
      const run = await history.create({ tenantId: 'ten_a', principalId: 'key_a', connectionId: 'conn_x', conversationId: null, question: 'q', source: 'question', status: 'running' })
      await history.update(run.id, { rowCount: sql`length(${'abcd'}::text)` as never })
      expect(await raw(run.id)).toMatchObject({ row_count: 4, status: 'running' })
    })

    it('starts a new conversation in the same statement, each time with its own values', async () => {
      for (const conv of ['conv_one', 'conv_two']) {
        const run = await history.create({ tenantId: 'ten_a', principalId: 'key_b', connectionId: 'conn_y', conversationId: conv, question: 'q', source: 'question', status: 'running' }, { newConversation: true })
        expect(run.conversationId).toBe(conv)
        const rows = (await store.db.execute(sql`SELECT tenant_id, principal_id, connection_id FROM conversations WHERE id = ${conv}`) as unknown as { rows: unknown[] }).rows
        expect(rows).toEqual([{ tenant_id: 'ten_a', principal_id: 'key_b', connection_id: 'conn_y' }])
      }
    })
  })
}
