// Every statement reaches a database through the one guarded executor, and
// semantic-layer expressions and where filters cannot step outside the
// expression they stand for. These attacks came from an authorised test on a
// running instance: sample-value refreshes streamed compiled SQL to the
// connector without the guard, so a dimension `expr` read files
// (pg_read_file, LOAD_FILE) and other tables (pg_shadow) with a privileged
// login, and a quote opened in one copy of an expression closed in another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import mysql from 'mysql2/promise'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { compile, getDialect, importMetricFlow, validateManifest } from '../../semantic'
import { DIALECT_NAMES } from '../../semantic/types'

const hasPg = await serviceAvailable('postgres')
const hasMaria = await serviceAvailable('mariadb')
const DB = `nexatron_guarded_${randomBytes(4).toString('hex')}`

/** A small layer over `<schema>.items` whose `label` dimension takes `expr`. */
const layer = (schema: string, expr?: string) => `
semantic_model:
  name: items
  node_relation: { schema_name: ${schema}, alias: items }
  defaults: { agg_time_dimension: made_on }
  entities:
    - { name: item, type: primary, expr: id }
  dimensions:
    - { name: made_on, type: time, type_params: { time_granularity: day } }
    - { name: kind, type: categorical }
${expr === undefined ? '' : `    - { name: label, type: categorical, expr: ${JSON.stringify(expr)} }\n`}  measures:
    - { name: amount, agg: sum }
---
metrics:
  - { name: amount, type: simple, type_params: { measure: amount } }
`

async function importLayer(t: TestApp, connectionId: string, content: string) {
  return t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connectionId, mode: 'replace', files: [{ path: 'items.yml', content }] } })
}

async function expectRefused(res: Awaited<ReturnType<TestApp['request']>>, context: string) {
  const text = await res.text()
  expect(res.status, `${context}: ${text.slice(0, 400)}`).toBeGreaterThanOrEqual(400)
  expect(res.status, `${context}: ${text.slice(0, 400)}`).toBeLessThan(500)
  return text
}

describe('the one guarded executor', () => {
  it('is the only caller of connector.stream in the service', () => {
    const root = join(__dirname, '../../src')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else if (p.endsWith('.ts')) files.push(p)
      }
    }
    walk(root)
    const callers = files.filter((f) => /\.stream\s*\(/.test(readFileSync(f, 'utf8'))).map((f) => f.slice(root.length + 1)).sort()
    // The demo warehouse's two files implement a connector (its thread side and
    // its server side); they receive statements the executor already guarded.
    expect(callers).toEqual(['demo/warehouse-host.ts', 'demo/warehouse-thread.ts', 'query/executor.ts'])
  })
})

describe('semantic-layer expressions are single expressions', () => {
  const model = (expr: string) => importMetricFlow([{ path: 'm.yml', content: layer('shop', expr) }]).manifest
  const problems = (expr: string) => validateManifest(model(expr)).map((p) => p.message).join('\n')

  it.each([
    ["x, '", 'unbalanced quote'],
    ["concat(kind, ') FROM items; --", 'unbalanced quote spanning clauses'],
    ['kind) FROM items UNION SELECT passwd FROM pg_shadow --', 'closing a parenthesis it did not open'],
    ['kind -- comment', 'a line comment'],
    ['kind /* comment */', 'a block comment'],
    ['kind # comment', 'a MySQL/ClickHouse comment'],
    ['kind; SELECT 1', 'a statement separator'],
    ['kind FROM items', 'a FROM clause'],
    ['kind INTO OUTFILE "/tmp/x"', 'INTO OUTFILE'],
    ['(kind', 'an unclosed parenthesis'],
    ["$$x$$", 'dollar quoting'],
    ["'a\\' UNION SELECT 1 -- '", 'a backslash escape that engines read differently'],
    ['kind UNION SELECT 1', 'a set operation'],
  ])('refuses %j (%s) when the layer is stored', (expr) => {
    expect(problems(expr)).toMatch(/expr/)
  })

  it.each([
    "CASE WHEN kind = 'a' THEN 'x' ELSE 'y' END",
    'EXTRACT(YEAR FROM made_on)',
    'percentile_cont(0.5) WITHIN GROUP (ORDER BY amount)',
    'kind IS DISTINCT FROM \'a\'',
    'COALESCE(kind, \'it\'\'s\')',
    '(SELECT max(amount) FROM items)',
    'sum(amount) OVER (PARTITION BY kind ORDER BY made_on)',
    'CAST(amount AS DECIMAL(10, 2))',
    '"Kind"',
    '`kind`',
    '[kind]',
  ])('accepts %j', (expr) => {
    expect(problems(expr)).toBe('')
  })

  it('refuses a metric filter that closes the parentheses it is wrapped in', () => {
    const m = model('kind')
    m.metrics[0] = { ...m.metrics[0], filter: "{{ Dimension('item__kind') }} = 'a') OR (1=1" }
    expect(validateManifest(m).map((p) => p.message).join('\n')).toMatch(/filter/)
  })

  it.each(DIALECT_NAMES)('never lets a query where-filter escape its parentheses on %s', (dialect) => {
    const m = model('kind')
    for (const where of ['1=1) UNION SELECT 1 --', "1=1) UNION SELECT 'x' FROM secret WHERE (1=1", "{{ Dimension('item__kind') }} = 'a' /*", "1=1; DROP TABLE items"]) {
      expect(() => compile({ metrics: ['amount'], group_by: [], where: [where] }, m, dialect), where).toThrow(/filter|where/i)
    }
    expect(getDialect(dialect)).toBeTruthy()
  })
})

describe.skipIf(!hasPg)('on PostgreSQL with a superuser login', () => {
  let t: TestApp
  let admin: pg.Client
  let connId: string
  beforeAll(async () => {
    admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    const setup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(`CREATE SCHEMA shop; CREATE TABLE shop.items (id int PRIMARY KEY, made_on date, kind text, amount numeric);
      INSERT INTO shop.items VALUES (1, '2026-01-01', 'a', 1), (2, '2026-01-02', 'b', 2);
      CREATE TABLE shop.secret (v text); INSERT INTO shop.secret VALUES ('top-secret-value');`)
    await setup.end()
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'pg', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: DB, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })

  it.each([
    ["pg_read_file('/etc/hostname')", 'a server file'],
    ['(SELECT passwd FROM pg_shadow LIMIT 1)', 'password hashes'],
    ['(SELECT v FROM shop.secret LIMIT 1)', "a table outside the layer"],
  ])('refuses a dimension expr reading %s (%s) and never returns it as sample values', async (expr) => {
    const res = await importLayer(t, connId, layer('shop', expr))
    const text = await expectRefused(res, expr)
    expect(text).not.toContain('top-secret-value')
    expect(text).not.toMatch(/SCRAM-SHA-256|md5[0-9a-f]{32}/)
    const dims = await (await t.request('GET', `/api/v1/semantic/dimensions?connection_id=${connId}`)).json()
    expect(JSON.stringify(dims)).not.toContain('top-secret-value')
  })

  it('refuses the same expression when a stored layer is changed one dimension at a time', async () => {
    expect((await importLayer(t, connId, layer('shop'))).status).toBe(200)
    const dims = await (await t.request('GET', `/api/v1/semantic/dimensions?connection_id=${connId}`)).json()
    const kind = dims.data.find((d: { name: string }) => d.name === 'kind')
    const res = await t.request('PATCH', `/api/v1/semantic/dimensions/${kind.id}`, { body: { expr: "pg_read_file('/etc/hostname')" } })
    await expectRefused(res, 'PATCH dimension expr')
    const refreshed = await t.request('POST', `/api/v1/semantic/dimensions/${kind.id}/sample-values/refresh`)
    expect(refreshed.status).toBe(200)
    expect((await refreshed.json()).sample_values.sort()).toEqual(['a', 'b'])
  })

  it("answers a where filter that tries to leave its parentheses with a 4xx and runs nothing", async () => {
    expect((await importLayer(t, connId, layer('shop'))).status).toBe(200)
    for (const where of ['1=1) UNION SELECT 1 --', "1=1) UNION SELECT v FROM shop.secret WHERE (1=1"]) {
      const res = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: connId, metrics: ['amount'], where: [where] } })
      const text = await expectRefused(res, where)
      expect(text).not.toContain('top-secret-value')
    }
  })
})

describe.skipIf(!hasMaria)('on MariaDB as root', () => {
  let t: TestApp
  let admin: mysql.Connection
  let connId: string
  const schema = `nexatron_guarded_${randomBytes(4).toString('hex')}`
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', multipleStatements: true })
    await admin.query(`CREATE DATABASE ${schema}; CREATE TABLE ${schema}.items (id int PRIMARY KEY, made_on date, kind varchar(20), amount decimal(10,2));
      INSERT INTO ${schema}.items VALUES (1, '2026-01-01', 'a', 1), (2, '2026-01-02', 'b', 2);`)
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'maria', type: 'mysql', config: { host: '127.0.0.1', port: 3306, database: schema, user: 'root' },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${schema}`)
    await admin?.end()
  })

  it("refuses LOAD_FILE in a dimension expr", async () => {
    const res = await importLayer(t, connId, layer(schema, "LOAD_FILE('/etc/hostname')"))
    await expectRefused(res, 'LOAD_FILE')
  })

  it('refuses a quote that opens in the SELECT copy and closes in the GROUP BY copy (INTO OUTFILE)', async () => {
    const out = `/tmp/nexatron-outfile-${randomBytes(4).toString('hex')}`
    const expr = `kind, '" INTO OUTFILE '${out}' -- '`
    const res = await importLayer(t, connId, layer(schema, expr))
    await expectRefused(res, 'INTO OUTFILE')
    expect(() => statSync(out)).toThrow()
  })

  it("answers a where filter that tries to leave its parentheses with a 4xx", async () => {
    expect((await importLayer(t, connId, layer(schema))).status).toBe(200)
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: connId, metrics: ['amount'], where: ['1=1) UNION SELECT 1 -- '] } })
    await expectRefused(res, 'where escape')
  })
})
