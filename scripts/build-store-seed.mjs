#!/usr/bin/env node
// Builds the PGlite seed (src/store/cluster-seed.ts): an empty cluster, made by
// initdb once here instead of at every first start, dumped as a gzipped tar
// next to the compiled server with a manifest naming the PGlite version that
// made it (a start with another version ignores it and runs initdb).
// Beside it, the same cluster with the store's migrations applied (a first
// embedded start then has nothing to migrate: running them in WebAssembly took
// seconds), keyed by a digest of the migrations it ran.
// build-server.mjs calls it; `node scripts/build-store-seed.mjs [dist/src]` alone works too.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Keep in step with src/store/cluster-seed.ts.
const SEED_FILE = 'pglite-seed.tar.gz'
const SEED_MANIFEST = 'pglite-seed.json'
const SEED_FORMAT = 1
const STORE_SEED_FILE = 'pglite-store-seed.tar.gz'
const STORE_SEED_MANIFEST = 'pglite-store-seed.json'
const MIGRATIONS_DIR = path.join(root, 'migrations')

/**
 * What a migrated seed ran: the migrations' file names and contents (the SQL
 * files and the journal). Keep in step with migrationsDigest in src/store/cluster-seed.ts.
 */
export function migrationsDigest(dir = MIGRATIONS_DIR) {
  const names = [...readdirSync(dir).filter((n) => n.endsWith('.sql')), 'meta/_journal.json'].sort()
  const hash = createHash('sha256')
  for (const name of names) hash.update(name).update('\0').update(readFileSync(path.join(dir, name))).update('\0')
  return hash.digest('hex')
}

function pgliteVersion() {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  return JSON.parse(readFileSync(path.resolve(path.dirname(entry), '../package.json'), 'utf8')).version
}

/**
 * The seeds already in `out` when this PGlite made them: a rebuild reuses them
 * (initdb and the migrations take seconds). The migrated one comes with the
 * digest of the migrations it ran.
 */
export function keptSeed(out) {
  try {
    const m = JSON.parse(readFileSync(path.join(out, SEED_MANIFEST), 'utf8'))
    if (m.format === SEED_FORMAT && m.pglite === pgliteVersion() && existsSync(path.join(out, SEED_FILE))) {
      return { manifest: m, bytes: readFileSync(path.join(out, SEED_FILE)), migrated: keptStoreSeed(out) }
    }
  } catch { /* none, or unreadable: build it */ }
  return undefined
}

function keptStoreSeed(out) {
  try {
    const m = JSON.parse(readFileSync(path.join(out, STORE_SEED_MANIFEST), 'utf8'))
    if (m.format === SEED_FORMAT && m.pglite === pgliteVersion() && typeof m.migrations === 'string') {
      return { digest: m.migrations, bytes: readFileSync(path.join(out, STORE_SEED_FILE)) }
    }
  } catch { /* none, or unreadable: build it */ }
  return undefined
}

/** The empty cluster `base` with every migration applied, dumped the same way. */
async function migrate(base) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate: run } = await import('drizzle-orm/pglite/migrator')
  const db = await PGlite.create({ loadDataDir: new Blob([base]) })
  try {
    await run(drizzle({ client: db }), { migrationsFolder: MIGRATIONS_DIR })
    return new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer())
  } finally { await db.close() }
}

/** Writes the seed, the migrated store seed and their manifests into `out` (reusing `kept` when given). */
export async function buildStoreSeed(out, kept) {
  const started = Date.now()
  let bytes = kept?.bytes
  if (!bytes) {
    const { PGlite } = await import('@electric-sql/pglite')
    // Runtime settings (shared_buffers) are start parameters, not in the files: defaults here.
    const db = await PGlite.create()
    try {
      bytes = new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer())
    } finally { await db.close() }
  }
  writeFileSync(path.join(out, SEED_FILE), bytes)
  writeFileSync(path.join(out, SEED_MANIFEST), JSON.stringify({ format: SEED_FORMAT, pglite: pgliteVersion() }) + '\n')
  // A rebuild keeps the migrated seed only when made from this very base seed and these migrations.
  const digest = migrationsDigest()
  const keptMigrated = kept?.migrated?.digest === digest ? kept.migrated.bytes : undefined
  const migrated = keptMigrated ?? await migrate(bytes)
  writeFileSync(path.join(out, STORE_SEED_FILE), migrated)
  writeFileSync(path.join(out, STORE_SEED_MANIFEST), JSON.stringify({ format: SEED_FORMAT, pglite: pgliteVersion(), migrations: digest }) + '\n')
  return { bytes: bytes.length, migratedBytes: migrated.length, ms: Date.now() - started, reused: Boolean(kept), migratedReused: Boolean(keptMigrated) }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const out = path.resolve(root, process.argv[2] ?? 'dist/src')
  const r = await buildStoreSeed(out, keptSeed(out))
  console.log(`build:seed: ${path.relative(root, out)}/${SEED_FILE} (${(r.bytes / 2 ** 20).toFixed(1)} MiB${r.reused ? ', reused' : ''}) and ${STORE_SEED_FILE} (${(r.migratedBytes / 2 ** 20).toFixed(1)} MiB${r.migratedReused ? ', reused' : ''}) in ${r.ms} ms`)
}
