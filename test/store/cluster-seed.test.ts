// A new embedded store starts from the prebuilt empty cluster (the build's
// PGlite seed) instead of running initdb, then migrates as always; a seed made
// by another PGlite version, or a damaged one, is ignored and initdb runs.
// The seeds here carry a marker (a comment on the database) so each test can
// tell which way its store was made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { MIGRATIONS_DIR, openStore, type Store } from '../../src/store/db'
import { clusterSeed, installedPgliteVersion, SEED_FILE, SEED_FORMAT, SEED_MANIFEST } from '../../src/store/cluster-seed'
import { TenantService } from '../../src/identity/tenants'
// @ts-expect-error: a plain-JavaScript build script, without type declarations
import { buildStoreSeed, keptSeed } from '../../scripts/build-store-seed.mjs'

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
  })
})
