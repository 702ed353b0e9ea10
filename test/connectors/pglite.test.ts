// The shared suite against PGlite (one instance for the whole file: each
// instance costs seconds and hundreds of MB), plus PGlite-only checks.
import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { createPgliteConnector } from '../../connectors/pglite/connector'
import { postgresSuiteSql } from './pg-fixtures'
import { collect, expectConnectorError, rowsOf, runConnectorSuite } from './suite'

let db: PGlite | undefined
const shared = async () => (db ??= await PGlite.create())
const schema = 'nx_suite_pglite'
const sql = postgresSuiteSql(schema)
// Nothing can interrupt a statement inside WebAssembly, so "slow" here means
// many cheap rows, each batch taking a fraction of a second
// (about 0.1 s per 500-row batch, 50 s in all).
sql.slow = (marker) => `SELECT CASE WHEN g % 100 = 0 THEN pg_sleep(0.02) END AS slept, '${marker}' AS marker FROM generate_series(1, 200000) AS g`

runConnectorSuite('pglite', async () => {
  const instance = await shared()
  return {
    connector: createPgliteConnector({ db: instance }),
    make: (change) => createPgliteConnector({ db: instance, options: change.options }),
    admin: async (s) => { await instance.exec(s) },
    sql,
  }
}, {
  version: /^PostgreSQL \d+.*PGlite/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: null,
  unreachable: null,
  serverSideCancel: false,
  param: { sql: 'SELECT $1::int AS a, $2::text AS b, $3::date AS c', params: [7, "x'; DROP TABLE t; --", '2024-03-01'], row: [7, "x'; DROP TABLE t; --", '2024-03-01'] },
  extra: (env) => {
    describe('pglite specifics', () => {
      it('leaves an injected instance open on close()', async () => {
        const instance = await shared()
        const c = createPgliteConnector({ db: instance })
        await c.test()
        await c.close()
        expect((await instance.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
      })

      it('opens its own in-memory database from a stored config and closes it', async () => {
        const c = createPgliteConnector({ type: 'pglite', config: { data_dir: 'memory://' }, credentials: {} })
        try {
          expect((await c.test()).version).toMatch(/PGlite/)
          expect(await rowsOf(c, 'SELECT 1 AS one')).toEqual([[1]])
        } finally {
          await c.close()
        }
        await expectConnectorError(rowsOf(c, 'SELECT 1'))
      })

      it('refuses data directories with relative paths', () => {
        expect(() => createPgliteConnector({ type: 'pglite', config: { data_dir: '../etc' }, credentials: {} })).toThrowError(/data_dir/)
      })

      it('lets other users of the instance run once a stream ends', async () => {
        const instance = await shared()
        const c = env().connector
        const { rows } = await collect(c.stream({ sql: env().sql.series(3), params: [] }, { signal: new AbortController().signal, maxRows: 10, timeoutMs: 5_000 }))
        expect(rows).toHaveLength(3)
        expect((await instance.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }])
      })

      it('leaves no transaction or cursor behind after a failed query', async () => {
        const instance = await shared()
        await expectConnectorError(rowsOf(env().connector, 'SELECT 1/0'), 'query_failed')
        const r = await instance.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_cursors WHERE name = 'nexatron_cursor'")
        expect(r.rows[0].n).toBe(0)
        await instance.exec('CREATE TEMP TABLE nx_probe (a int); DROP TABLE nx_probe')
      })
    })
  },
})
