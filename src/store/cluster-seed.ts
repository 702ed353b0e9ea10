// A prebuilt, empty PGlite cluster: what `initdb` makes, made once at build
// time (scripts/build-store-seed.mjs) instead of at every first start. initdb
// in WebAssembly is most of an embedded first start (4–6 CPU seconds each, and
// the first start makes two databases: the store and the demo warehouse); the
// seed is a few hundred milliseconds to unpack.
//
// Two seeds: the empty cluster (the demo warehouse starts from it, and any
// store whose migrations differ from the build's), and the same cluster with
// the store's migrations applied, keyed by a digest of those migrations, which
// a new store starts from when its migrations are the ones the build ran
// (running them in WebAssembly was seconds of a first start). A store still
// runs its migrations on either: nothing to do on the migrated one, the rest
// on the empty one. Nothing in them is specific to an install: no tenant, no
// key, no secret (bootstrap creates those with fresh random values afterwards).
//
// The seed is used only when its manifest names the installed PGlite version
// (and this seed format); otherwise, or when it is missing or unreadable,
// callers run initdb as before.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'

export const SEED_FILE = 'pglite-seed.tar.gz'
export const SEED_MANIFEST = 'pglite-seed.json'
/** Bumped when what the build puts in the seed changes. */
export const SEED_FORMAT = 1

export const STORE_SEED_FILE = 'pglite-store-seed.tar.gz'
export const STORE_SEED_MANIFEST = 'pglite-store-seed.json'

export interface SeedManifest { format: number; pglite: string; migrations?: string }

const here = path.dirname(fileURLToPath(import.meta.url))
// Compiled, this module sits in dist/src next to the seed; from the sources
// (tsx, tests) the seed of the last build is used: it is keyed, so a build of
// another PGlite version is ignored.
const CANDIDATES = [path.join(here, SEED_FILE), path.resolve(here, '../../dist/src', SEED_FILE)]

let pgliteVersion: string | undefined
/** The installed PGlite's version (the seed must come from the same initdb). */
export function installedPgliteVersion(): string {
  if (!pgliteVersion) {
    // The package exports no ./package.json: find it from its entry point (…/dist/index.js).
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
    pgliteVersion = (JSON.parse(readFileSync(path.resolve(path.dirname(entry), '../package.json'), 'utf8')) as { version: string }).version
  }
  return pgliteVersion
}

/**
 * The seed's bytes (gzipped tar of a data directory) when `file` (default: the
 * build's) exists and its manifest matches this PGlite; otherwise undefined.
 * Read at each use, not kept: a server needs it once, and 4 MiB held for
 * nothing would count in its resident memory.
 */
export function clusterSeed(file?: string): Buffer | undefined {
  const f = file ?? CANDIDATES.find((c) => existsSync(c))
  return (f && readSeed(f, SEED_MANIFEST)) || undefined
}

/**
 * What a migrated seed ran: the migrations' file names and contents (the SQL
 * files and the journal). Keep in step with migrationsDigest in scripts/build-store-seed.mjs.
 */
export function migrationsDigest(dir: string): string {
  const names = [...readdirSync(dir).filter((n) => n.endsWith('.sql')), 'meta/_journal.json'].sort()
  const hash = createHash('sha256')
  for (const name of names) hash.update(name).update('\0').update(readFileSync(path.join(dir, name))).update('\0')
  return hash.digest('hex')
}

/**
 * The build's migrated store seed when it ran exactly the migrations in
 * `migrationsDir` (and this PGlite made it); otherwise undefined.
 */
export function migratedStoreSeed(migrationsDir: string, file?: string): Buffer | undefined {
  const f = file ?? CANDIDATES.map((c) => path.join(path.dirname(c), STORE_SEED_FILE)).find((c) => existsSync(c))
  if (!f) return undefined
  let digest: string
  try { digest = migrationsDigest(migrationsDir) } catch { return undefined }
  return readSeed(f, STORE_SEED_MANIFEST, (m) => m.migrations === digest) || undefined
}

function readSeed(file: string, manifestName: string, fits: (m: SeedManifest) => boolean = () => true): Buffer | null {
  try {
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(file), manifestName), 'utf8')) as SeedManifest
    if (manifest.format !== SEED_FORMAT || manifest.pglite !== installedPgliteVersion() || !fits(manifest)) return null
    return readFileSync(file)
  } catch {
    return null
  }
}

/**
 * An in-memory PGlite (no dataDir in `options`) started from the seed when
 * there is a usable one, by initdb otherwise.
 */
export async function createSeededPglite(options: PGliteOptions, seed = clusterSeed()): Promise<PGlite> {
  if (seed) {
    try {
      return await PGlite.create({ ...options, loadDataDir: new Blob([seed]) })
    } catch { /* a damaged seed: initdb below */ }
  }
  return PGlite.create(options)
}

/**
 * Unpacks the seed into `dir` (which has no cluster yet). The files are
 * written to a staging folder beside it and moved in with PG_VERSION last, so
 * a start killed halfway leaves no PG_VERSION: the next start unpacks again.
 * PGlite then opens the directory as an existing cluster.
 */
export function unpackSeed(seed: Buffer, dir: string): void {
  const staging = `${dir}.seed-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  try {
    for (const entry of readTar(gunzipSync(seed))) {
      const target = path.join(staging, entry.name)
      // A path leaving the staging folder is a damaged (or hostile) seed.
      if (!target.startsWith(staging + path.sep)) throw new Error(`seed entry outside the data directory: ${entry.name}`)
      if (entry.dir) mkdirSync(target, { recursive: true })
      else { mkdirSync(path.dirname(target), { recursive: true }); writeFileSync(target, entry.data!) }
    }
    if (!existsSync(path.join(staging, 'PG_VERSION'))) throw new Error('the seed holds no cluster (no PG_VERSION)')
    const names = readdirSync(staging).filter((n) => n !== 'PG_VERSION')
    for (const name of [...names, 'PG_VERSION']) {
      rmSync(path.join(dir, name), { recursive: true, force: true })
      renameSync(path.join(staging, name), path.join(dir, name))
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

interface TarEntry { name: string; dir: boolean; data?: Uint8Array }

/** Reads a ustar archive (what PGlite's dumpDataDir writes): regular files and folders only. */
function* readTar(buf: Uint8Array): Generator<TarEntry> {
  const text = (from: number, len: number) => {
    const end = buf.indexOf(0, from)
    return Buffer.from(buf.subarray(from, end === -1 || end > from + len ? from + len : end)).toString('utf8')
  }
  for (let off = 0; off + 512 <= buf.length;) {
    if (buf[off] === 0) break // two zero blocks end the archive
    const prefix = text(off + 257, 6).startsWith('ustar') ? text(off + 345, 155) : ''
    const name = (prefix ? `${prefix}/` : '') + text(off, 100)
    const size = parseInt(text(off + 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(buf[off + 156] || 48)
    if (Number.isNaN(size)) throw new Error(`bad tar header at ${off}`)
    const rel = name.replace(/^\/+/, '').replace(/\/+$/, '')
    if (type === '5') { if (rel) yield { name: rel, dir: true } }
    else if (type === '0') yield { name: rel, dir: false, data: buf.subarray(off + 512, off + 512 + size) }
    else throw new Error(`unexpected tar entry type ${type} for ${name}`)
    off += 512 + Math.ceil(size / 512) * 512
  }
}
