#!/usr/bin/env node
// Builds the PGlite seed (src/store/cluster-seed.ts): an empty cluster, made by
// initdb once here instead of at every first start, dumped as a gzipped tar
// next to the compiled server with a manifest naming the PGlite version that
// made it (a start with another version ignores it and runs initdb).
// build-server.mjs calls it; `node scripts/build-store-seed.mjs [dist/src]` alone works too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Keep in step with src/store/cluster-seed.ts.
const SEED_FILE = 'pglite-seed.tar.gz'
const SEED_MANIFEST = 'pglite-seed.json'
const SEED_FORMAT = 1

function pgliteVersion() {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  return JSON.parse(readFileSync(path.resolve(path.dirname(entry), '../package.json'), 'utf8')).version
}

/** The seed already in `out` when it was made by this PGlite: a rebuild reuses it (initdb takes seconds). */
export function keptSeed(out) {
  try {
    const m = JSON.parse(readFileSync(path.join(out, SEED_MANIFEST), 'utf8'))
    if (m.format === SEED_FORMAT && m.pglite === pgliteVersion() && existsSync(path.join(out, SEED_FILE))) {
      return { manifest: m, bytes: readFileSync(path.join(out, SEED_FILE)) }
    }
  } catch { /* none, or unreadable: build it */ }
  return undefined
}

/** Writes the seed and its manifest into `out` (reusing `kept` when given). */
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
  return { bytes: bytes.length, ms: Date.now() - started, reused: Boolean(kept) }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const out = path.resolve(root, process.argv[2] ?? 'dist/src')
  const r = await buildStoreSeed(out, keptSeed(out))
  console.log(`build:seed: ${path.relative(root, out)}/${SEED_FILE} (${(r.bytes / 2 ** 20).toFixed(1)} MiB) in ${r.ms} ms${r.reused ? ' (reused)' : ''}`)
}
