// Shared Postgres fixtures for the postgres, redshift and pglite suites.
import pg from 'pg'
import { SERVICES } from '../support/services'
import type { SuiteSql } from './suite'

export function postgresSuiteSql(s: string, q = (t: string) => `"${s}"."${t}"`): SuiteSql {
  return {
    schema: s,
    setup: [
      `CREATE SCHEMA "${s}"`,
      `CREATE TABLE ${q('suite_customers')} (id integer PRIMARY KEY, name text NOT NULL)`,
      `CREATE TABLE ${q('suite_orders')} (id integer PRIMARY KEY, customer_id integer REFERENCES ${q('suite_customers')}(id),
        amount numeric(12,2) NOT NULL, ordered_on date, paid boolean)`,
      `INSERT INTO ${q('suite_customers')} VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')`,
      `INSERT INTO ${q('suite_orders')} VALUES (10, 1, 12.50, '2024-01-15', true), (11, 1, 99999999.99, '2024-02-29', false), (12, 2, 0.01, '2023-12-31', NULL)`,
    ],
    teardown: [`DROP SCHEMA IF EXISTS "${s}" CASCADE`],
    table: q,
    types: `SELECT 42 AS i, 9007199254740993::bigint AS big, 12345678901234567.89::numeric AS dec, 1.5::float8 AS f, true AS b,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 13:45:30' AS ts, 'O''Reilly ✓'::text AS s, NULL AS n`,
    series: (n) => `SELECT g::int AS n FROM generate_series(1, ${n}) AS g ORDER BY g`,
    slow: (marker) => `SELECT pg_sleep(30) AS slept, '${marker}' AS marker`,
    writes: [
      `INSERT INTO ${q('suite_customers')} (id, name) VALUES (4, 'Mallory')`,
      `UPDATE ${q('suite_orders')} SET amount = 0`,
      `DELETE FROM ${q('suite_customers')}`,
      `TRUNCATE ${q('suite_orders')}`,
      `DROP TABLE ${q('suite_orders')}`,
      `CREATE TABLE ${q('suite_evil')} (id int)`,
      `COMMIT; DELETE FROM ${q('suite_customers')}`,
      `ROLLBACK; DROP TABLE ${q('suite_orders')}`,
      `SELECT 1; DELETE FROM ${q('suite_customers')}`,
      `WITH d AS (DELETE FROM ${q('suite_customers')} RETURNING *) SELECT * FROM d`,
      `SELECT * FROM ${q('suite_customers')} FOR UPDATE`,
    ],
  }
}

/** Runs one statement as the superuser on a fresh connection. */
export async function pgAdmin(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { return await c.query(sql, params) } finally { await c.end() }
}

/** Active statements containing `marker`, from pg_stat_activity. */
export async function pgRunning(marker: string): Promise<number> {
  const r = await pgAdmin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0`, [marker])
  return r.rows[0].n as number
}
