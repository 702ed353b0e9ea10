// A run's last write is kept by the process that made it, so the work after
// the answer (metering, the audit record) need not read the record back; and
// a new conversation is written by the run record's own statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/db'
import { conversations, tenants } from '../../src/store/schema'
import { QueryHistory } from '../../src/query/history'
import { settledRun } from '../../src/billing/settled-run'
import { eq } from 'drizzle-orm'

describe('query history on the embedded store', () => {
  let store: Store
  let history: QueryHistory
  beforeAll(async () => {
    store = await openStore({})
    await store.db.insert(tenants).values([{ id: 'ten_a', name: 'a' }, { id: 'ten_b', name: 'b' }])
    history = new QueryHistory(store.db)
  }, 60_000)
  afterAll(async () => { await store?.close() })

  const record = (extra: Record<string, unknown> = {}) => history.create({
    tenantId: 'ten_a', principalId: 'key_a', connectionId: 'conn_x', conversationId: null, question: 'total revenue', source: 'question', status: 'running', ...extra,
  })

  it('keeps a settled record as written, and nothing for a record still running', async () => {
    const run = await record()
    await history.update(run.id, { startedAt: new Date() })
    expect(history.recentlySettled(run.id)).toBeUndefined()
    await history.update(run.id, { status: 'succeeded', rowCount: 7, durationMs: 12, finishedAt: new Date() })
    expect(history.recentlySettled(run.id)).toMatchObject({ id: run.id, status: 'succeeded', rowCount: 7, durationMs: 12, tenantId: 'ten_a' })
    expect(await history.getById(run.id)).toMatchObject({ status: 'succeeded', rowCount: 7 })
  })

  it('answers a settled run from memory once its record is gone, and never to another tenant', async () => {
    const run = await record()
    await history.update(run.id, { status: 'failed', finishedAt: new Date() })
    await store.db.execute(`DELETE FROM queries WHERE id = '${run.id}'` as never)
    expect(await settledRun(history, run.id, 'ten_a', 0)).toMatchObject({ id: run.id, status: 'failed' })
    expect(await settledRun(history, run.id, 'ten_b', 0)).toBeUndefined()
  })

  it('writes a new conversation with the run that starts it, and none for a run that names none', async () => {
    const run = await record({ conversationId: 'conv_new1' })
    const created = await history.create({
      tenantId: 'ten_a', principalId: 'key_a', connectionId: 'conn_x', conversationId: 'conv_new2', question: 'q', source: 'question', status: 'running',
    }, { newConversation: true })
    const [conv] = await store.db.select().from(conversations).where(eq(conversations.id, 'conv_new2'))
    expect(conv).toMatchObject({ tenantId: 'ten_a', principalId: 'key_a', connectionId: 'conn_x' })
    expect(created.conversationId).toBe('conv_new2')
    expect(await store.db.select().from(conversations).where(eq(conversations.id, run.conversationId!))).toEqual([])
  })
})
