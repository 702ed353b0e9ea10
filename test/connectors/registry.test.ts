// The registry: every connection type maps to a connector, a dialect, a
// default schema and config schemas; bad settings fail fast with field paths
// and no values. These are the functions production calls (the Connections
// service validates with validateConnectionConfig; the executor, runner and
// semantic services ask dialectOf/defaultSchemaOf; connections are built by
// createConnector).
import type { PGlite } from '@electric-sql/pglite'
import { describe, expect, it, vi } from 'vitest'
import { CONNECTION_TYPES, ConnectorError, type ConnectionType, type ConnectorConfig } from '../../connectors/connector'
import { buildTargetOf, CONNECTION_REGISTRY, createConnector, defaultSchemaOf, dialectOf, isConnectionType, loadConnector, validateConnectionConfig } from '../../connectors/registry'
import { DIALECT_NAMES } from '../../semantic/types'

/** A minimal valid stored connection per type (nothing is contacted). */
const VALID: Record<ConnectionType, Pick<ConnectorConfig, 'config' | 'credentials'>> = {
  postgres: { config: { host: 'db.example.com', database: 'analytics', user: 'nexatron' }, credentials: { password: 'pw' } },
  redshift: { config: { host: 'c.abc.us-east-1.redshift.amazonaws.com', database: 'dev', user: 'nexatron' }, credentials: { password: 'pw' } },
  mysql: { config: { host: 'db.example.com', database: 'shop', user: 'nexatron' }, credentials: { password: 'pw' } },
  clickhouse: { config: { host: 'ch.example.com' }, credentials: { password: 'pw' } },
  pglite: { config: { demo: true }, credentials: {} },
  snowflake: { config: { account: 'myorg-acct', database: 'ANALYTICS' }, credentials: { username: 'NEXATRON', password: 'pw' } },
  bigquery: { config: { project_id: 'my-project-123' }, credentials: { access_token: 'ya29.token' } },
  mssql: { config: { host: 'sql.example.com', database: 'sales' }, credentials: { username: 'nexatron', password: 'pw' } },
}

describe('connector registry', () => {
  it('accepts the minimal settings of every type', () => {
    for (const type of CONNECTION_TYPES) expect(validateConnectionConfig(type, VALID[type]).ok, type).toBe(true)
  })

  it('has exactly one entry per connection type, each naming a known SQL dialect', () => {
    expect(Object.keys(CONNECTION_REGISTRY).sort()).toEqual([...CONNECTION_TYPES].sort())
    for (const type of CONNECTION_TYPES) expect(DIALECT_NAMES, type).toContain(dialectOf(type))
    expect(dialectOf('pglite')).toBe('postgres')
    expect(dialectOf('redshift')).toBe('redshift')
    expect(() => dialectOf('oracle')).toThrowError(/unknown connection type/)
  })

  it('resolves unqualified names to each engine\'s default schema, from the config where the engine takes it from there', () => {
    expect(defaultSchemaOf({ type: 'postgres', config: { database: 'analytics' } })).toBe('public')
    expect(defaultSchemaOf({ type: 'pglite', config: { demo: true } })).toBe('public')
    expect(defaultSchemaOf({ type: 'mysql', config: { database: 'shop' } })).toBe('shop')
    expect(defaultSchemaOf({ type: 'clickhouse', config: { database: 'events' } })).toBe('events')
    expect(defaultSchemaOf({ type: 'snowflake', config: { schema: 'SALES' } })).toBe('SALES')
    expect(defaultSchemaOf({ type: 'mssql', config: {} })).toBe('dbo')
    expect(defaultSchemaOf({ type: 'bigquery', config: { project_id: 'p' } })).toBeUndefined()
  })

  it('puts a dbt project\'s models where dbt builds them on each engine', () => {
    expect(buildTargetOf({ type: 'postgres', config: { schemas: ['analytics', 'staging'] } })).toEqual({ schema: 'analytics' })
    expect(buildTargetOf({ type: 'redshift', config: {} })).toEqual({ schema: 'public' })
    expect(buildTargetOf({ type: 'clickhouse', config: {} })).toEqual({ schema: 'default' })
    expect(buildTargetOf({ type: 'snowflake', config: { database: 'ANALYTICS' } })).toEqual({ database: 'ANALYTICS', schema: 'PUBLIC' })
    expect(buildTargetOf({ type: 'bigquery', config: { datasets: ['marts'] } })).toEqual({ schema: 'marts' })
    expect(buildTargetOf({ type: 'mssql', config: { database: 'sales' } })).toEqual({ schema: 'dbo' })
  })

  it('says which engines read their login\'s grants (Snowflake and BigQuery cannot)', () => {
    const unchecked = CONNECTION_TYPES.filter((t) => !CONNECTION_REGISTRY[t].capabilities.readsGrants).sort()
    expect(unchecked).toEqual(['bigquery', 'snowflake'])
    expect(CONNECTION_TYPES.filter((t) => CONNECTION_REGISTRY[t].capabilities.embedded)).toEqual(['pglite'])
  })

  it.each(['postgres', 'redshift', 'mysql', 'clickhouse', 'snowflake', 'bigquery', 'mssql'] as const)('builds a %s connector lazily, validating its settings first', async (type) => {
    const c = createConnector({ type, ...VALID[type] })
    expect([c.type, c.dialect]).toEqual([type, dialectOf(type)])
    await c.close()
    await expect(c.test()).rejects.toBeInstanceOf(ConnectorError)
    expect(() => createConnector({ type, config: {}, credentials: {} })).toThrowError(ConnectorError)
  })

  it('loads the engine\'s driver module on first use: the real connector answers', async () => {
    const c = createConnector({ type: 'postgres', config: { ...VALID.postgres.config, host: '127.0.0.1', port: 1, ssl: 'disable' }, credentials: VALID.postgres.credentials, options: { connect_timeout_ms: 2_000 } })
    try {
      // Port 1 refuses: the error comes from the real connector, so its module was loaded.
      await expect(c.test()).rejects.toMatchObject({ code: 'unreachable' })
    } finally {
      await c.close()
    }
  })

  it('loads a connector eagerly on request, refusing bad settings before loading anything', async () => {
    const c = await loadConnector({ type: 'mysql', ...VALID.mysql })
    expect([c.type, c.dialect]).toEqual(['mysql', 'mysql'])
    await c.close()
    await expect(loadConnector({ type: 'mysql', config: {}, credentials: {} })).rejects.toBeInstanceOf(ConnectorError)
  })

  it('wraps an injected PGlite instance and leaves it open on close()', async () => {
    const close = vi.fn(async () => {})
    const fake = { close } as unknown as PGlite
    const c = createConnector({ type: 'pglite', config: {}, credentials: {} }, { pglite: fake })
    expect([c.type, c.dialect]).toEqual(['pglite', 'postgres'])
    await c.close()
    expect(close).not.toHaveBeenCalled()
  })

  it('rejects invalid settings with field paths and without the submitted values', () => {
    let caught: unknown
    try {
      createConnector({ type: 'postgres', config: { host: 'h', port: 99999, database: 'd' }, credentials: { password: 'hunter2-secret', token: 'x' } })
    } catch (e) { caught = e }
    expect(caught).toBeInstanceOf(ConnectorError)
    const e = caught as ConnectorError
    expect(e.code).toBe('invalid_config')
    expect(e.message).toMatch(/config\.port/)
    expect(e.message).toMatch(/config\.user/)
    expect(e.message).not.toContain('hunter2-secret')
  })

  it('rejects an unknown type', () => {
    expect(() => createConnector({ type: 'oracle' as ConnectionType, config: {}, credentials: {} })).toThrowError(/unknown connection type/)
    expect(isConnectionType('oracle')).toBe(false)
    expect(isConnectionType('clickhouse')).toBe(true)
  })
})

describe('validateConnectionConfig', () => {
  it('applies defaults on success', () => {
    expect(validateConnectionConfig('postgres', VALID.postgres)).toEqual({
      ok: true,
      config: { host: 'db.example.com', port: 5432, database: 'analytics', user: 'nexatron', ssl: 'require' },
      credentials: { password: 'pw' },
    })
    const ch = validateConnectionConfig('clickhouse', VALID.clickhouse)
    expect(ch.ok && ch.config).toMatchObject({ database: 'default', user: 'default', ssl: 'require' })
    expect(validateConnectionConfig('redshift', VALID.redshift)).toMatchObject({ ok: true, config: { port: 5439 } })
  })

  it('reports each problem by field path, unknown fields included', () => {
    const r = validateConnectionConfig('mysql', {
      config: { host: 'a b', port: 0, database: 'd', user: 'u', ssl: 'maybe', colour: 'blue' },
      credentials: { password: 42 },
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map((i) => i.path).sort()).toEqual(['config.colour', 'config.host', 'config.port', 'config.ssl', 'credentials.password'])
    expect(JSON.stringify(r.issues)).not.toContain('blue')
  })

  it('offers only the demo warehouse as an embedded connection through the API', () => {
    expect(validateConnectionConfig('pglite', { config: { demo: true } })).toEqual({ ok: true, config: { demo: true }, credentials: {} })
    for (const config of [{}, { data_dir: '/var/lib/nexatron' }, { demo: true, schemas: ['retail'] }]) {
      expect(validateConnectionConfig('pglite', { config }), JSON.stringify(config)).toMatchObject({ ok: false, issues: [{ path: 'config', issue: 'not_allowed' }] })
    }
  })

  it('puts secrets only in credentials: config schemas refuse password fields', () => {
    for (const type of ['postgres', 'redshift', 'mysql', 'clickhouse'] as const) {
      const r = validateConnectionConfig(type, { config: { ...VALID[type].config, password: 'pw' }, credentials: {} })
      expect(r.ok, type).toBe(false)
    }
  })

  it('refuses hosts with a scheme, and PEM fields that are not PEM', () => {
    expect(validateConnectionConfig('postgres', { config: { ...VALID.postgres.config, host: 'postgres://u:p@h/db' } })).toMatchObject({ ok: false })
    expect(validateConnectionConfig('postgres', { config: { ...VALID.postgres.config, ssl: 'verify-full', ssl_ca: 'not a cert' } })).toMatchObject({ ok: false })
  })
})
