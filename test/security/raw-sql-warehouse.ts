// A PostgreSQL warehouse where raw SQL is allowed, reached through the LLM
// planner whose scripted OpenAI-compatible server answers whatever SQL a test
// queues (sqlAnswer): what the guard-oracle attacks run against. The layer
// covers shop.items only; `extraSql` adds the tables an attack tries to read
// around it.
import pg from 'pg'
import { expect } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SERVICES } from '../support/services'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'

/** The planner's answer: run this SQL. */
export const sqlAnswer = (sql: string) => reply.json({ kind: 'sql', query: null, sql, confidence: 0.9, reasons: [], problem: null })

const LAYER = `
semantic_model:
  name: items
  node_relation: { schema_name: shop, alias: items }
  defaults: { agg_time_dimension: made_on }
  entities:
    - { name: item, type: primary, expr: id }
  dimensions:
    - { name: made_on, type: time, type_params: { time_granularity: day } }
    - { name: kind, type: categorical }
  measures:
    - { name: amount, agg: sum }
---
metrics:
  - { name: amount, type: simple, type_params: { measure: amount } }
`

export interface RawSqlWarehouse { t: TestApp; llm: FakeOpenAIServer; connId: string; close(): Promise<void> }

/** A fresh database `db` (dropped by close) with shop.items, `extraSql` and a connection allowing raw SQL. */
export async function startRawSqlWarehouse(db: string, extraSql: string): Promise<RawSqlWarehouse> {
  const server = { host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres' }
  const admin = new pg.Client({ ...server, database: 'postgres' })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${db}`)
  const setup = new pg.Client({ ...server, database: db })
  await setup.connect()
  await setup.query(`CREATE SCHEMA shop; CREATE TABLE shop.items (id int PRIMARY KEY, made_on date, kind text, amount numeric);
    INSERT INTO shop.items VALUES (1, '2026-01-01', 'a', 1), (2, '2026-01-02', 'b', 2); ${extraSql}`)
  await setup.end()
  const llm = await startFakeOpenAIServer()
  const t = await createTestApp({ OPENAI_API_KEY: 'sk-test-raw-sql', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_PLANNER: 'llm' })
  const res = await t.request('POST', '/api/v1/connections', { body: {
    name: 'pg', type: 'postgres', config: { ...server, database: db, ssl: 'disable' },
    options: { allow_raw_sql: true, allow_elevated_login: true },
  } })
  expect(res.status).toBe(201)
  const connId = (await res.json()).id as string
  const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connId, mode: 'replace', files: [{ path: 'items.yml', content: LAYER }] } })
  expect(imported.status).toBe(200)
  return {
    t, llm, connId,
    async close() {
      await t.close()
      await llm.close()
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
      await admin.end()
    },
  }
}
