#!/usr/bin/env node
// `npm run build:server`: compiles the service to JavaScript in dist/ so that
// `npm start` runs plain Node (no TypeScript compiled at every start).
//
// Why esbuild and not tsc: the sources import each other without file
// extensions (moduleResolution "Bundler"), which Node's ESM loader cannot
// resolve, so tsc's one-file-per-file output would not run as is. esbuild is
// the transpiler tsx already used to run these very sources (it ships with tsx,
// a dependency, so nothing is added); it bundles our own modules into three
// files in about a second and leaves npm packages external (drizzle-orm aside:
// see BUNDLED), so packages load from node_modules exactly as before and the
// heavy ones (cloud SDKs, openai) still load only on first use. Type checking stays `npm run typecheck`.
//
// Layout, chosen so paths computed from import.meta.url at run time resolve
// as they do from the sources (every entry file sits two folders below the
// package root, like src/store/db.ts):
//   dist/src/server.js            the server (npm start)
//   dist/src/cli.js               the CLI (bin/nexatron.mjs runs it when built)
//   dist/src/warehouse-thread.js  the demo warehouse's thread, found next to the server
//   dist/src/chunk-*.js           shared and lazily loaded modules
//   dist/src/demo/semantic/*.yaml the demo semantic layer (copied)
//   dist/src/pglite-seed.tar.gz   an empty PGlite cluster (build-store-seed.mjs), so a
//                                 first start skips initdb; pglite-seed.json keys it
//   dist/src/pglite-store-seed.tar.gz  the same with the store's migrations applied, so a new
//                                 store has nothing to migrate; pglite-store-seed.json keys it
//   ../../migrations from dist/src is the package's migrations/ folder.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildStoreSeed, keptSeed } from './build-store-seed.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Output folder (tests build into a scratch folder): must be <something>/src two levels below the root.
const out = path.resolve(root, process.argv[2] ?? 'dist/src')
if (path.relative(root, out).split(path.sep).length !== 2) {
  console.error(`build-server: the output folder must be two levels below ${root} (got ${out})`)
  process.exit(2)
}

const require = createRequire(import.meta.url)
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild')

// Packages bundled into our chunks rather than loaded from node_modules: Node 22 and 24
// look up the package.json scope of every module file they load (to tell ESM from
// CommonJS) and re-read drizzle-orm's 179 KB exports map each time, which cost a
// production start 0.5-1 s on this machine for drizzle's few hundred files.
const BUNDLED = new Set(['drizzle-orm'])

/** esbuild plugin: every npm package external (loaded as before) except those named. */
function externalPackagesBut(bundled) {
  return {
    name: 'external-packages-but',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]
        if (args.path.startsWith('node:') || !bundled.has(name)) return { path: args.path, external: true }
        return undefined
      })
    },
  }
}

const started = Date.now()
// The previous build's seed, when this PGlite made it: initdb takes seconds.
const seed = keptSeed(out)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    server: 'src/server.ts',
    cli: 'src/cli/main.ts',
    'warehouse-thread': 'src/demo/warehouse-thread.ts',
  },
  outdir: out,
  bundle: true,
  // Modules the sources import dynamically (the cloud connectors) become
  // chunks of their own, so their SDKs still load on first use only. Chunks
  // (code shared by the entries included) sit next to the entries: same depth.
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [externalPackagesBut(BUNDLED)],
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Class names appear in logs and error reports.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
})
cpSync(path.join(root, 'src/demo/semantic'), path.join(out, 'demo/semantic'), { recursive: true })
// Without a seed the server runs initdb at a first start, as before: a failure here must not fail `npm install`.
const seeded = await buildStoreSeed(out, seed).catch((e) => {
  console.warn(`build:server: no PGlite seed (first starts will run initdb): ${e.message}`)
  return undefined
})
writeFileSync(path.join(out, 'build-info.json'), JSON.stringify({ built_at: new Date().toISOString() }) + '\n')
console.log(`build:server: ${path.relative(root, out)}/{server,cli,warehouse-thread}.js, pglite-seed.tar.gz and pglite-store-seed.tar.gz (${!seeded ? 'none' : `${seeded.reused ? 'cluster reused' : 'initdb'}, ${seeded.migratedReused ? 'migrated seed reused' : 'migrated'}, ${seeded.ms} ms`}) in ${Date.now() - started} ms`)
