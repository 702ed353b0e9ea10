// npx nexatron <command>: administration from the shell.
//   semantic import --connection <id|name> [--mode merge|replace] [--source-schema s] <dir-or-files...>
//   semantic import --connection <id|name> [--mode merge|replace] --manifest target/semantic_manifest.json
//       (through the HTTP API: NEXATRON_URL, NEXATRON_API_KEY)
//   users create --email e --role admin|analyst|viewer [--name n] [--tenant t]   (password from NEXATRON_USER_PASSWORD or prompt)
//   tenants create <name> [--timezone tz]
//   secrets rotate
// Store commands open the metadata store directly (DATABASE_URL or the embedded
// one: stop the server first when it uses the embedded store).
import { parseArgs } from 'node:util'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { ConfigError, loadConfig } from '../config'
import { buildServices } from '../container'
import { createLogger } from '../logger'
import { DEFAULT_TENANT } from '../bootstrap'
import { OPERATOR, ROLES, type Role } from '../identity/scopes'
import { AppError } from '../http/errors'

const USAGE = `usage:
  nexatron semantic import --connection <id|name> [--mode merge|replace] [--source-schema <schema>] <dir-or-files...>
  nexatron semantic import --connection <id|name> [--mode merge|replace] --manifest <target/semantic_manifest.json>
  nexatron users create --email <email> --role <admin|analyst|viewer> [--name <name>] [--tenant <tenant name>]
  nexatron tenants create <name> [--timezone <IANA zone>]
  nexatron secrets rotate`

function fail(msg: string): never {
  process.stderr.write(`nexatron: ${msg}\n`)
  process.exit(2)
}

function yamlFiles(inputs: string[]): Array<{ path: string; content: string }> {
  const out: Array<{ path: string; content: string }> = []
  const walk = (p: string) => {
    const st = statSync(p)
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(path.join(p, f))
    else if (/\.ya?ml$/i.test(p)) out.push({ path: p, content: readFileSync(p, 'utf8') })
  }
  for (const i of inputs) walk(i)
  return out
}

async function semanticImport(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    connection: { type: 'string' }, mode: { type: 'string', default: 'merge' }, 'source-schema': { type: 'string' }, manifest: { type: 'string' },
  } })
  if (!values.connection || (positionals.length > 0) === (values.manifest !== undefined)) fail(USAGE)
  const base = (process.env.NEXATRON_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '')
  const key = process.env.NEXATRON_API_KEY ?? fail('set NEXATRON_API_KEY to an API key with semantic:write')
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  let connectionId = values.connection
  if (!connectionId.startsWith('conn_')) {
    const list = await (await fetch(`${base}/api/v1/connections?limit=100`, { headers })).json() as { data?: Array<{ id: string; name: string }> }
    connectionId = list.data?.find((c) => c.name === values.connection)?.id ?? fail(`no connection named "${values.connection}"`)
  }
  const manifest = values.manifest
  const files = manifest !== undefined ? [{ path: manifest, content: readFileSync(manifest, 'utf8') }] : yamlFiles(positionals)
  if (!files.length) fail('no .yml/.yaml files found')
  const body0 = manifest !== undefined
    ? { connection_id: connectionId, format: 'dbt_semantic_manifest', files, mode: values.mode }
    : { connection_id: connectionId, format: 'metricflow', files, mode: values.mode, source_schema: values['source-schema'] }
  const res = await fetch(`${base}/api/v1/semantic/import`, { method: 'POST', headers, body: JSON.stringify(body0) })
  const body = await res.json() as Record<string, unknown> & { error?: { message: string; details: Array<{ file?: string; path?: string; issue: string; line?: number }> } }
  if (!res.ok) {
    process.stderr.write(`import failed (${res.status}): ${body.error?.message}\n`)
    for (const d of body.error?.details ?? []) process.stderr.write(`  ${d.file ?? ''}${d.line ? `:${d.line}` : ''} ${d.path ?? ''}: ${d.issue}\n`)
    process.exit(1)
  }
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
}

async function withStore<T>(fn: (s: Awaited<ReturnType<typeof buildServices>>) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, NEXATRON_DEMO: 'false' })
  const s = await buildServices(config, { logger: createLogger('warn') })
  try { return await fn(s) } finally { await s.dispose() }
}

async function readPassword(): Promise<string> {
  if (process.env.NEXATRON_USER_PASSWORD) return process.env.NEXATRON_USER_PASSWORD
  if (!process.stdin.isTTY) return (await new Promise<string>((r) => { let d = ''; process.stdin.on('data', (c) => { d += c }); process.stdin.on('end', () => r(d)) })).trim()
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  const pw = await rl.question('password: ')
  rl.close()
  return pw
}

async function usersCreate(args: string[]) {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, role: { type: 'string', default: 'analyst' }, name: { type: 'string' }, tenant: { type: 'string', default: DEFAULT_TENANT } } })
  if (!values.email) fail(USAGE)
  if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
  const password = await readPassword()
  await withStore(async (s) => {
    const tenant = await s.tenants.byName(values.tenant!) ?? fail(`no tenant named "${values.tenant}"`)
    const u = await s.users.create(tenant.id, { email: values.email!, password, role: values.role as Role, name: values.name }, OPERATOR)
    process.stdout.write(`created user ${u.id} (${u.email}, ${u.role}) in tenant ${tenant.name}\n`)
  })
}

async function tenantsCreate(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { timezone: { type: 'string', default: 'UTC' } } })
  if (positionals.length !== 1) fail(USAGE)
  await withStore(async (s) => {
    const t = await s.tenants.create(positionals[0], values.timezone)
    const { key } = await s.apiKeys.create(t.id, { name: 'first admin', scopes: ['*'] })
    process.stdout.write(`created tenant ${t.id} (${t.name})\nadmin API key (shown once; store it now):\n${key}\n`)
  })
}

async function secretsRotate() {
  await withStore(async (s) => {
    const n = await s.connections.rotateSecrets()
    process.stdout.write(`re-sealed ${n} connection credential record(s) with key ${s.secretBox.currentKeyId}\n`)
  })
}

async function main() {
  const [group, cmd, ...rest] = process.argv.slice(2)
  try {
    if (group === 'semantic' && cmd === 'import') return await semanticImport(rest)
    if (group === 'users' && cmd === 'create') return await usersCreate(rest)
    if (group === 'tenants' && cmd === 'create') return await tenantsCreate(rest)
    if (group === 'secrets' && cmd === 'rotate') return await secretsRotate()
    fail(USAGE)
  } catch (e) {
    if (e instanceof ConfigError || e instanceof AppError) fail(e.message)
    throw e
  }
}

void main()
