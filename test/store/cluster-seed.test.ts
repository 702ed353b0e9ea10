// A new embedded store starts from the prebuilt empty cluster (the build's
// PGlite seed) instead of running initdb, then migrates as always; a seed made
// by another PGlite version, or a damaged one, is ignored and initdb runs. The
// build's migrated seed (the same cluster with the migrations applied) serves
// only the migrations it ran.
// The seeds here carry a marker (a comment on the database) so each test can
// tell which way its store was made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { MIGRATIONS_DIR, openStore, type Store } from '../../src/store/db'
import { clusterSeed, installedPgliteVersion, migratedStoreSeed, migrationsDigest, SEED_FILE, SEED_FORMAT, SEED_MANIFEST, STORE_SEED_FILE, STORE_SEED_MANIFEST } from '../../src/store/cluster-seed'
import { TenantService } from '../../src/identity/tenants'
// @ts-expect-error: a plain-JavaScript build script, without type declarations
import { buildStoreSeed, keptSeed, migrationsDigest as buildDigest } from '../../scripts/build-store-seed.mjs'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nexatron-seed-'))
const marker = `seed-${randomBytes(4).toString('hex')}`
let seedBytes: Uint8Array

/** Writes a seed and its manifest into a folder of its own; returns the seed file. */
function writeSeed(name: string, bytes: Uint8Array, pglite = installedPgliteVersion()): string {
  const dir = path.join(tmp, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, SEED_FILE), bytes)
  writeFileSync(path.join(dir, SEED_MANIFEST), JSON.stringify({ format: SEED_FORMAT, pglite }))
  return path.join(dir, SEED_FILE)
}

async function markerOf(store: Store): Promise<string | null> {
  const r = await store.db.execute(sql`SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`)
  return (r as unknown as { rows: Array<{ c: string | null }> }).rows[0].c
}

async function expectMigratedAndWorking(store: Store) {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  const r = await store.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)
  expect((r as unknown as { rows: Array<{ n: number }> }).rows[0].n).toBe(journal.entries.length)
  const tenants = new TenantService(store.db)
  const t = await tenants.ensure(`t-${randomBytes(3).toString('hex')}`, 'UTC')
  expect((await tenants.ensure(t.name, 'UTC')).id).toBe(t.id)
}

beforeAll(async () => {
  // An empty cluster, as the build makes it, plus the marker.
  const db = await PGlite.create()
  await db.exec(`COMMENT ON DATABASE postgres IS '${marker}'`)
  seedBytes = new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer())
  await db.close()
}, 180_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('the embedded store\'s first start from the PGlite seed', () => {
  it('unpacks the seed into a fresh data dir, applies every migration, and opens the same files on the next start', async () => {
    const seed = writeSeed('good', seedBytes)
    const dataDir = path.join(tmp, 'data-good')
    const store = await openStore({ dataDir, seed })
    try {
      expect(await markerOf(store)).toBe(marker)
      await expectMigratedAndWorking(store)
    } finally { await store.close() }
    // No staging folder is left behind, and the cluster is on disk.
    expect(existsSync(path.join(dataDir, 'store/PG_VERSION'))).toBe(true)
    expect(existsSync(path.join(dataDir, `store.seed-${process.pid}`))).toBe(false)
    const again = await openStore({ dataDir, seed: false })
    try {
      expect(await markerOf(again)).toBe(marker)
      await expectMigratedAndWorking(again)
    } finally { await again.close() }
  }, 180_000)

  it('starts an in-memory store from the seed too', async () => {
    const store = await openStore({ dataDir: 'memory://', seed: writeSeed('memory', seedBytes) })
    try {
      expect(await markerOf(store)).toBe(marker)
      await expectMigratedAndWorking(store)
    } finally { await store.close() }
  }, 180_000)

  it('ignores a seed made by another PGlite version and runs initdb', async () => {
    const seed = writeSeed('other-version', seedBytes, '0.0.1')
    expect(clusterSeed(seed)).toBeUndefined()
    const store = await openStore({ dataDir: path.join(tmp, 'data-other'), seed })
    try {
      expect(await markerOf(store)).not.toBe(marker)
      await expectMigratedAndWorking(store)
    } finally { await store.close() }
  }, 180_000)

  it('runs initdb when the seed is damaged', async () => {
    const seed = writeSeed('damaged', seedBytes.subarray(0, 100_000))
    const dataDir = path.join(tmp, 'data-damaged')
    const store = await openStore({ dataDir, seed })
    try {
      expect(await markerOf(store)).not.toBe(marker)
      await expectMigratedAndWorking(store)
    } finally { await store.close() }
    expect(existsSync(path.join(dataDir, `store.seed-${process.pid}`))).toBe(false)
  }, 180_000)

  it('writes, from the build script, a manifest the server accepts, and a rebuild reuses the seed', async () => {
    const out = path.join(tmp, 'build')
    mkdirSync(out)
    const r = await buildStoreSeed(out, { bytes: seedBytes })
    expect(r.reused).toBe(true)
    expect(clusterSeed(path.join(out, SEED_FILE))?.equals(Buffer.from(seedBytes))).toBe(true)
    expect(keptSeed(out)?.bytes.equals(Buffer.from(seedBytes))).toBe(true)
  }, 180_000)
})

describe('the migrated store seed', () => {
  const out = path.join(tmp, 'build-migrated')
  let built: { migratedBytes: number; migratedReused: boolean }
  beforeAll(async () => {
    mkdirSync(out)
    built = await buildStoreSeed(out, { bytes: seedBytes })
  }, 180_000)

  it('is keyed by the same digest of the migrations in the build script and in the server', () => {
    expect(buildDigest(MIGRATIONS_DIR)).toBe(migrationsDigest(MIGRATIONS_DIR))
    expect(JSON.parse(readFileSync(path.join(out, STORE_SEED_MANIFEST), 'utf8'))).toMatchObject({ format: SEED_FORMAT, migrations: migrationsDigest(MIGRATIONS_DIR) })
    expect(built.migratedReused).toBe(false)
  })

  it('is the base cluster with every migration applied: a store opened on it has nothing left to migrate', async () => {
    const bytes = migratedStoreSeed(MIGRATIONS_DIR, path.join(out, STORE_SEED_FILE))
    expect(bytes?.length).toBe(built.migratedBytes)
    // Opened as a plain seed: the migrations table is already full before the store migrates.
    const db = await PGlite.create({ loadDataDir: new Blob([bytes!]) })
    try {
      const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0].n).toBe(journal.entries.length)
      expect((await db.query<{ c: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`)).rows[0].c).toBe(marker)
    } finally { await db.close() }
    const store = await openStore({ dataDir: path.join(tmp, 'data-migrated'), seed: writeSeed('migrated-as-base', bytes!) })
    try { await expectMigratedAndWorking(store) } finally { await store.close() }
  }, 180_000)

  it('is not used for migrations other than the ones it ran', () => {
    const other = path.join(tmp, 'other-migrations')
    mkdirSync(path.join(other, 'meta'), { recursive: true })
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith('.sql'))) writeFileSync(path.join(other, name), readFileSync(path.join(MIGRATIONS_DIR, name)))
    writeFileSync(path.join(other, 'meta/_journal.json'), readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json')))
    expect(migratedStoreSeed(other, path.join(out, STORE_SEED_FILE))).toBeDefined()
    writeFileSync(path.join(other, '9999_added.sql'), 'CREATE TABLE added (id int);')
    expect(migratedStoreSeed(other, path.join(out, STORE_SEED_FILE))).toBeUndefined()
  })

  it('is reused by a rebuild only while the migrations are the same', async () => {
    const kept = keptSeed(out)
    expect(kept?.migrated?.digest).toBe(migrationsDigest(MIGRATIONS_DIR))
    const again = await buildStoreSeed(out, kept)
    expect(again.migratedReused).toBe(true)
    const stale = await buildStoreSeed(out, { ...kept, migrated: { ...kept.migrated, digest: 'another' } })
    expect(stale.migratedReused).toBe(false)
  }, 180_000)
})
