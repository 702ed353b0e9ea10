// The administration CLI against a real PostgreSQL metadata store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { serviceAvailable, SERVICES } from '../support/services'
import { openStore } from '../../src/store/db'
import { ApiKeyService } from '../../src/identity/api-keys'

const run = promisify(execFile)
const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_cli_${randomBytes(4).toString('hex')}`
const url = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`
const env = { ...process.env, DATABASE_URL: url, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' }

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(sql) } finally { await c.end() }
}
const cli = (...args: string[]) => run(process.execPath, ['bin/nexatron.mjs', ...args], { env: { ...env, NEXATRON_USER_PASSWORD: 'a long enough password' }, timeout: 60_000 })

describe.skipIf(!hasPg)('npx nexatron', () => {
  beforeAll(async () => { await admin(`CREATE DATABASE ${DB}`) })
  afterAll(async () => { await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`) })

  it('creates a tenant and prints a working admin key', async () => {
    const { stdout } = await cli('tenants', 'create', 'acme', '--timezone', 'Europe/Berlin')
    const key = /nxa_[A-Za-z0-9]{43}/.exec(stdout)?.[0]
    expect(key).toBeDefined()
    const store = await openStore({ databaseUrl: url })
    try {
      const principal = await new ApiKeyService(store.db).authenticate(key!)
      expect(principal?.scopes).toEqual(['*'])
    } finally { await store.close() }
  })

  it('creates a user in a tenant and refuses bad input with a clear message', async () => {
    const { stdout } = await cli('users', 'create', '--email', 'ada@example.com', '--role', 'admin', '--tenant', 'acme')
    expect(stdout).toContain('created user usr_')
    await expect(cli('users', 'create', '--email', 'bob@example.com', '--role', 'owner', '--tenant', 'acme')).rejects.toMatchObject({ stderr: expect.stringContaining('--role must be one of') })
    await expect(cli('tenants', 'create', 'acme')).rejects.toMatchObject({ stderr: expect.stringContaining('already exists') })
  })

  it('re-seals credentials with the current key', async () => {
    const { stdout } = await cli('secrets', 'rotate')
    expect(stdout).toMatch(/re-sealed \d+ connection credential record/)
  })
})
