// Redshift: no Redshift can run here. The connector is the node-postgres
// engine, so the shared suite runs it against the real Postgres, with
// Redshift's SVV_TABLES / SVV_COLUMNS system views emulated in a schema of
// their own. Redshift-only behaviour (version string, catalog SQL limited to
// what Redshift's Postgres 8.0 leader node accepts) is tested directly.
import { describe, expect, it } from 'vitest'
import type { ConnectorConfig } from '../../connectors/connector'
import { createRedshiftConnector, redshiftVersion } from '../../connectors/redshift/connector'
import { redshiftConfigSchema } from '../../connectors/redshift/config'
import { introspectRedshift, redshiftDbType } from '../../connectors/redshift/introspect'
import { SERVICES, serviceAvailable } from '../support/services'
import { pgAdmin, pgRunning, postgresSuiteSql } from './pg-fixtures'
import { runConnectorSuite, type ConfigChange } from './suite'

const ok = await serviceAvailable('postgres')
const suffix = Math.random().toString(36).slice(2, 8)
const schema = `nx_rs_${suffix}`
const catalog = `nx_rscat_${suffix}`

const base: ConnectorConfig = {
  type: 'redshift',
  config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: 'postgres', user: 'postgres', ssl: 'disable' },
  credentials: {},
  options: { pool_max: 4 },
}
const merge = (change: ConfigChange): ConnectorConfig => ({
  type: base.type,
  config: { ...base.config, ...change.config },
  credentials: { ...base.credentials, ...change.credentials },
  options: { ...base.options, ...change.options },
})
const make = (change: ConfigChange = {}) => createRedshiftConnector(merge(change), { catalogSchema: catalog })

const sql = postgresSuiteSql(schema)
sql.setup.push(
  `CREATE SCHEMA "${catalog}"`,
  // Same columns and values as Redshift's views (Redshift adds a few more).
  `CREATE VIEW "${catalog}".svv_tables AS SELECT table_catalog, table_schema, table_name, table_type::text AS table_type FROM information_schema.tables`,
  `CREATE VIEW "${catalog}".svv_columns AS SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, column_default,
     is_nullable, data_type, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns`,
)
sql.teardown.push(`DROP SCHEMA IF EXISTS "${catalog}" CASCADE`)

runConnectorSuite('redshift (on the Postgres wire protocol)', async () => ({
  connector: make(),
  make,
  admin: async (s) => { await pgAdmin(s) },
  sql,
  running: pgRunning,
}), {
  skip: !ok,
  version: /^PostgreSQL \d+/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { config: { user: `nx_no_such_user_${suffix}` }, credentials: { password: 'wrong-password-123' } },
  unreachable: { config: { port: 1 } },
  serverSideCancel: true,
  param: { sql: 'SELECT $1::int AS a, $2::varchar AS b', params: [7, 'x'], row: [7, 'x'] },
})

describe('redshift specifics', () => {
  it('reports the Redshift release from version()', () => {
    expect(redshiftVersion('PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.54899'))
      .toBe('Redshift 1.0.54899')
    expect(redshiftVersion('PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu')).toBe('PostgreSQL 15.20 (Debian 15.20-0+deb12u1)')
  })

  it('defaults to port 5439 and TLS required', () => {
    const parsed = redshiftConfigSchema.parse({ host: 'example.abc.us-east-1.redshift.amazonaws.com', database: 'dev', user: 'nexatron' })
    expect(parsed).toMatchObject({ port: 5439, ssl: 'require' })
  })

  it('uses the redshift dialect', () => {
    const c = createRedshiftConnector({ type: 'redshift', config: { host: 'h', database: 'd', user: 'u' }, credentials: {} })
    expect([c.type, c.dialect]).toEqual(['redshift', 'redshift'])
    void c.close()
  })

  it('sends catalog SQL that Redshift accepts: bind parameters, no arrays, unnest, ordinality or PG 10+ catalog columns', async () => {
    const sent: Array<{ sql: string; params?: unknown[] }> = []
    await introspectRedshift()(async (s, params) => { sent.push({ sql: s, params }); return [] }, ['sales', "o'brien"])
    expect(sent.length).toBe(4)
    for (const { sql: s, params } of sent) {
      expect(s).not.toMatch(/unnest|ordinality|relispartition|text\[\]|ANY\(|has_any_column_privilege|array_to_json/i)
      expect(s).not.toContain("o'brien")
      expect(params).toEqual(['sales', "o'brien"])
    }
    expect(sent[0].sql).toContain('"pg_catalog".svv_tables')
    expect(sent[1].sql).toContain('"pg_catalog".svv_columns')
  })

  it('spells column types the way Redshift declares them', () => {
    expect(redshiftDbType({ data_type: 'numeric', num_precision: 12, num_scale: 2 })).toBe('numeric(12,2)')
    expect(redshiftDbType({ data_type: 'character varying', char_len: 256 })).toBe('character varying(256)')
    expect(redshiftDbType({ data_type: 'super' })).toBe('super')
  })

  it('maps Redshift SUPER values to JSON', async () => {
    const { pgColumn, pgParser } = await import('../../connectors/postgres/types')
    expect(pgColumn('s', 4000)).toMatchObject({ type: 'json', json_type: 'object' })
    expect(pgParser(4000)('{"a":[1,2]}')).toEqual({ a: [1, 2] })
    expect(pgParser(6551)('0102ff')).toBe('AQL/')
  })
})

describe('redshift error mapping', () => {
  it("reads Redshift's statement_timeout cancellation as a timeout when the time limit is up", async () => {
    const { mapPgError } = await import('../../connectors/postgres/errors')
    const { QueryLifetime } = await import('../../connectors/shared/lifetime')
    const err = Object.assign(new Error("Query (150) canceled on user's request"), { code: '57014' })
    const life = new QueryLifetime('redshift', new AbortController().signal, 50, 10_000)
    try {
      expect(mapPgError('redshift', err, 50, life).code).toBe('cancelled')
      await new Promise((r) => setTimeout(r, 60))
      expect(mapPgError('redshift', err, 50, life).code).toBe('timeout')
    } finally {
      life.dispose()
    }
  })
})
