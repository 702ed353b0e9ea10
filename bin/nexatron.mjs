#!/usr/bin/env node
// The `nexatron` command. Runs the compiled CLI (dist/src/cli.js, built by
// `npm run build:server`, which `npm install` runs) in this very process.
// From a checkout whose sources are newer than that build (or with no build),
// it runs the TypeScript through tsx instead, so an edit is never shadowed by
// a stale build. NEXATRON_CLI_FROM_SOURCE=1 forces the sources.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const compiled = path.join(root, 'dist/src/cli.js')
const source = path.join(root, 'src/cli/main.ts')

/** Newest modification time of the TypeScript under these folders (a few hundred files: milliseconds). */
function newestSource(dirs) {
  let newest = 0
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.ts') || e.name.endsWith('.yaml')) newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const d of dirs) if (existsSync(d)) walk(d)
  return newest
}

function useCompiled() {
  if (process.env.NEXATRON_CLI_FROM_SOURCE === '1' || !existsSync(compiled)) return false
  if (!existsSync(source)) return true // an installed package: the build is all there is
  return statSync(compiled).mtimeMs >= newestSource(['src', 'connectors', 'semantic'].map((d) => path.join(root, d)))
}

if (useCompiled()) {
  await import(pathToFileURL(compiled).href)
} else {
  const require = createRequire(import.meta.url)
  const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/cli.mjs')
  const res = spawnSync(process.execPath, [tsx, source, ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(res.status ?? 1)
}
