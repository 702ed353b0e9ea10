// The registry: every connection type maps to a connector, a dialect and
// config schemas; bad settings fail fast with field paths and no values.
import type { PGlite } from '@electric-sql/pglite'
import { describe, expect, it, vi } from 'vitest'
import { CONNECTION_TYPES, ConnectorError, type ConnectionType, type ConnectorConfig } from '../../connectors/connector'
import { connectionConfigSchemas, createConnector, DIALECT_OF, isConnectionType, validateConnectionConfig } from '../../connectors/registry'

/** A minimal valid stored connection per type (nothing is contacted). */
const VALID: Record<ConnectionType, Pick<ConnectorConfig, 'config' | 'credentials'>> = {
  postgres: { config: { host: 'db.example.com', database: 'analytics', user: 'nexatron' }, credentials: { password: 'pw' } },
  redshift: { config: { host: 'c.abc.us-east-1.redshift.amazonaws.com', database: 'dev', user: 'nexatron' }, credentials: { password: 'pw' } },
  mysql: { config: { host: 'db.example.com', database: 'shop', user: 'nexatron' }, credentials: { password: 'pw' } },
  clickhouse: { config: { host: 'ch.example.com' }, credentials: { password: 'pw' } },
  pglite: { config: {}, credentials: {} },
  snowflake: { config: { account: 'myorg-acct', database: 'ANALYTICS' }, credentials: { username: 'NEXATRON', password: 'pw' } },
  bigquery: { config: { project_id: 'my-project-123' }, credentials: { access_token: 'ya29.token' } },
  mssql: { config: { host: 'sql.example.com', database: 'sales' }, credentials: { username: 'nexatron', password: 'pw' } },
}

describe('connector registry', () => {
  it('accepts the minimal settings of every type', () => {
    for (const type of CONNECTION_TYPES) expect(validateConnectionConfig(type, VALID[type]).ok, type).toBe(true)
  })

  it('has schemas and a dialect for every connection type', () => {
    for (const type of CONNECTION_TYPES) {
      expect(connectionConfigSchemas[type], type).toBeDefined()
      expect(DIALECT_OF[type], type).toBeDefined()
    }
    expect(Object.keys(connectionConfigSchemas).sort()).toEqual([...CONNECTION_TYPES].sort())
    expect(DIALECT_OF.pglite).toBe('postgres')
  })

  it.each(['postgres', 'redshift', 'mysql', 'clickhouse'] as const)('builds a %s connector without connecting', async (type) => {
    const c = createConnector({ type, ...VALID[type] })
    expect(c.type).toBe(type)
    expect(c.dialect).toBe(DIALECT_OF[type])
    await c.close()
  })

  it.each(['snowflake', 'bigquery', 'mssql'] as const)('builds a %s connector lazily, validating its settings first', async (type) => {
    const c = createConnector({ type, ...VALID[type] })
    expect([c.type, c.dialect]).toEqual([type, DIALECT_OF[type]])
    await c.close()
    await expect(c.test()).rejects.toBeInstanceOf(ConnectorError)
    expect(() => createConnector({ type, config: {}, credentials: {} })).toThrowError(ConnectorError)
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
