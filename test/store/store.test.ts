// The metadata store on both backends: the same drizzle migrations on PGlite
// and on a real PostgreSQL (fresh database per run), concurrent starts, and
// tenant-scoped repositories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { openStore, type Store } from '../../src/store/db'
import { ApiKeyService } from '../../src/identity/api-keys'
import { TenantService } from '../../src/identity/tenants'
import { OPERATOR } from '../../src/identity/scopes'
import { serviceAvailable, SERVICES } from '../support/services'
import { loadConfig, ConfigError } from '../../src/config'
import { resolveSecretBox } from '../../src/security/secret-key'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_store_${randomBytes(4).toString('hex')}`
const url = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { return await fn(c) } finally { await c.end() }
}

function storeSuite(name: string, open: () => Promise<Store>) {
  describe(`store on ${name}`, () => {
    let store: Store
    beforeAll(async () => { store = await open() })
    afterAll(async () => { await store?.close() })

    it('authenticates a key by its hash and only within its tenant', async () => {
      const tenants = new TenantService(store.db)
      const keys = new ApiKeyService(store.db)
      const a = await tenants.create(`a-${randomBytes(3).toString('hex')}`)
      const b = await tenants.create(`b-${randomBytes(3).toString('hex')}`)
      const { key, view } = await keys.create(a.id, { name: 'k', scopes: ['query:read'] })
      const principal = await keys.authenticate(key)
      expect(principal).toMatchObject({ tenantId: a.id, id: view.id, scopes: ['query:read'] })
      await expect(keys.revoke(b.id, view.id, OPERATOR)).rejects.toMatchObject({ code: 'not_found' })
      expect((await keys.list(b.id, { limit: 10 })).data).toEqual([])
      await keys.revoke(a.id, view.id, OPERATOR)
      expect(await keys.authenticate(key)).toBeNull()
    })

    it('refuses a duplicate tenant name with a conflict', async () => {
      const tenants = new TenantService(store.db)
      await tenants.create('dup-tenant')
      await expect(tenants.create('dup-tenant')).rejects.toMatchObject({ code: 'conflict' })
    })

    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}

storeSuite('PGlite', () => openStore({ dataDir: 'memory://' }))

describe.skipIf(!hasPg)('store on PostgreSQL', () => {
  beforeAll(async () => { await admin((c) => c.query(`CREATE DATABASE ${DB}`)) })
  afterAll(async () => { await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)) })

  it('migrates once when two instances start at the same time', async () => {
    const [s1, s2] = await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url })])
    try {
      const applied = await admin(async (c) => {
        const db = new pg.Client({ connectionString: url })
        await db.connect()
        try { return (await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0].n as number } finally { await db.end() }
      })
      const { readdirSync } = await import('node:fs')
      expect(applied).toBe(readdirSync('migrations').filter((f) => f.endsWith('.sql')).length)
    } finally {
      await s1.close()
      await s2.close()
    }
  })

  it('runs the first-start setup of instances started at once one after the other', async () => {
    const [s1, s2] = await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url })])
    try {
      // Look, wait, create: two setups interleaved would both find nothing and both create.
      const setup = (s: Store) => s.exclusive(async () => {
        const tenants = new TenantService(s.db)
        const found = await tenants.byName('started-together')
        await new Promise((r) => setTimeout(r, 300))
        return found ?? tenants.create('started-together')
      })
      const [a, b] = await Promise.all([setup(s1), setup(s2)])
      expect(a.id).toBe(b.id)
    } finally {
      await s1.close()
      await s2.close()
    }
  })

  storeSuite('PostgreSQL', () => openStore({ databaseUrl: url }))

  it('reports unavailability through ping when the server is gone', async () => {
    const store = await openStore({ databaseUrl: url })
    await admin((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [DB]))
    await store.close()
    await expect(store.ping()).rejects.toBeTruthy()
  })
})

describe('configuration of the store', () => {
  it('refuses to start with DATABASE_URL but no NEXATRON_SECRET_KEY', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/y' })
    expect(() => resolveSecretBox({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })).toThrow(ConfigError)
    expect(() => resolveSecretBox({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })).toThrow(/NEXATRON_SECRET_KEY is required/)
  })

  it('generates the embedded key once, with mode 0600, and reuses it', async () => {
    const { mkdtempSync, statSync } = await import('node:fs')
    const os = await import('node:os')
    const path = await import('node:path')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-key-'))
    const a = resolveSecretBox({ dataDir: dir })
    const b = resolveSecretBox({ dataDir: dir })
    expect(a.generated).toBe(true)
    expect(b.generated).toBe(false)
    expect(a.box.currentKeyId).toBe(b.box.currentKeyId)
    expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
    const sealed = a.box.seal('s3cret', 'aad')
    expect(b.box.open(sealed, 'aad')).toBe('s3cret')
    expect(() => b.box.open(sealed, 'other-record')).toThrow()
  })

  it('names bad variables', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/)
    expect(() => loadConfig({ NEXATRON_TIMEZONE: 'Mars/Olympus' })).toThrow(/NEXATRON_TIMEZONE/)
    expect(() => loadConfig({ NEXATRON_PLANNER: 'llm' })).toThrow(/OPENAI_API_KEY/)
    expect(() => loadConfig({ NEXATRON_SQL_ALLOW_FUNCTIONS: 'pg_read_file' })).toThrow(/NEXATRON_SQL_ALLOW_FUNCTIONS/)
  })
})
