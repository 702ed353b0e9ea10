#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a dependency), so `npx nexatron ...`
// works from a checkout without a build step.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/cli.mjs')
const res = spawnSync(process.execPath, [tsx, path.join(here, '../src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(res.status ?? 1)
