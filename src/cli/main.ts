// npx nexatron <command>: administration from the shell.
//   semantic import --connection <id|name> [--mode merge|replace] [--source-schema s] <dir-or-files...>
//   semantic import --connection <id|name> [--mode merge|replace] --manifest target/semantic_manifest.json
//       (through the HTTP API: NEXATRON_URL, NEXATRON_API_KEY)
//   users create --email e --role admin|analyst|viewer [--name n] [--tenant t]   (password from NEXATRON_USER_PASSWORD or prompt)
//   tenants create <name> [--timezone tz]
//   tenants set-plan <tenant name or id> <plan>   (audited as plan.change by the operator)
//   secrets rotate
//   semantic validate --connection <id|name>      (HTTP)
//   ask "<question>" [--connection <id|name>] [--json|--csv]   (HTTP)
// Store commands open the metadata store directly (DATABASE_URL or the embedded
// one, which is locked while a server uses it: they refuse, and say so).
import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { ConfigError, loadConfig } from '../config'
import { buildServices } from '../container'
import { createLogger } from '../logger'
import { DEFAULT_TENANT } from '../bootstrap'
import { OPERATOR, ROLES, type Role } from '../identity/scopes'
import { AppError } from '../errors'
import { StoreLockedError } from '../store/embedded-lock'
import { printable, printStreamedAnswer, readSse, startSpinner } from './stream-answer'
import { yamlFiles } from './yaml-files'

const USAGE = `usage:
  nexatron semantic import --connection <id|name> [--mode merge|replace] [--source-schema <schema>] <dir-or-files...>
  nexatron semantic import --connection <id|name> [--mode merge|replace] --manifest <target/semantic_manifest.json>
  nexatron users create --email <email> --role <admin|analyst|viewer> [--name <name>] [--tenant <tenant name>]
  nexatron semantic validate --connection <id|name>
  nexatron ask "<question>" [--connection <id|name>] [--json|--csv]
  nexatron tenants create <name> [--timezone <IANA zone>]
  nexatron tenants set-plan <tenant name or id> <plan>
  nexatron secrets rotate
HTTP commands use NEXATRON_URL (default http://HOST:PORT, 127.0.0.1:3000) and NEXATRON_API_KEY.`

function fail(msg: string): never {
  process.stderr.write(`nexatron: ${msg}\n`)
  process.exit(2)
}

class CliError extends Error {}

function serverUrl(): string {
  const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : '127.0.0.1'
  return (process.env.NEXATRON_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${process.env.PORT ?? 3000}`).replace(/\/$/, '')
}

/** One call to the server's API; an unreachable server or an error answer becomes one clear line. */
async function api(method: string, p: string, body?: unknown, scope = 'the needed scope'): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const res = await send(method, p, body, scope)
  return readAnswer(res)
}

/** The raw response (for streams); an unreachable server becomes one clear line. */
async function send(method: string, p: string, body: unknown, scope: string): Promise<Response> {
  const base = serverUrl()
  const key = process.env.NEXATRON_API_KEY ?? fail(`set NEXATRON_API_KEY to an API key with ${scope}`)
  try {
    return await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause
    const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code ?? cause?.message ?? (e as Error).message
    throw new CliError(`cannot reach the Nexatron server at ${base} (${code}); is it running? (set NEXATRON_URL)`)
  }
}

async function readAnswer(res: Response): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const base = serverUrl()
  const text = await res.text()
  const json = () => { try { return JSON.parse(text) as Record<string, unknown> } catch { throw new CliError(`the server at ${base} did not answer with JSON (HTTP ${res.status})`) } }
  return { status: res.status, text, json }
}

function apiError(what: string, r: { status: number; json: () => Record<string, unknown> }): never {
  const err = (r.json().error ?? {}) as { message?: string; details?: Array<{ file?: string; path?: string; issue: string; line?: number; message?: string }> }
  // The server's words may quote the warehouse (column names, values): printed without terminal controls.
  process.stderr.write(printable(`${what} failed (${r.status}): ${err.message ?? 'unknown error'}`) + '\n')
  for (const d of err.details ?? []) process.stderr.write(printable(`  ${d.file ?? ''}${d.line ? `:${d.line}` : ''} ${d.path ?? ''}: ${d.message ?? d.issue}`) + '\n')
  process.exit(1)
}

async function connectionIdOf(ref: string): Promise<string> {
  if (ref.startsWith('conn_')) return ref
  const r = await api('GET', '/api/v1/connections?limit=100', undefined, 'connections:read')
  if (r.status !== 200) apiError('listing connections', r)
  const list = r.json() as { data?: Array<{ id: string; name: string }> }
  return list.data?.find((c) => c.name === ref)?.id ?? fail(`no connection named "${ref}"`)
}

async function semanticValidate(args: string[]) {
  const { values } = parseArgs({ args, options: { connection: { type: 'string' } } })
  if (!values.connection) fail(USAGE)
  const r = await api('POST', '/api/v1/semantic/validate', { connection_id: await connectionIdOf(values.connection) }, 'semantic:read')
  if (r.status !== 200) apiError('validation', r)
  const report = r.json() as { valid: boolean; problems: Array<{ severity?: string; path: string; message: string }> }
  for (const p of report.problems) process.stdout.write(printable(`${(p.severity ?? 'error').padEnd(7)} ${p.path}: ${p.message}`) + '\n')
  process.stdout.write(report.valid ? `valid (${report.problems.length} warning(s))\n` : 'not valid\n')
  process.exit(report.valid ? 0 : 1)
}

async function ask(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { connection: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } } })
  const question = positionals.join(' ').trim()
  if (!question) fail(USAGE)
  const connectionId = values.connection ? await connectionIdOf(values.connection) : undefined
  if (!values.csv && !values.json) return askStreaming(question, connectionId)
  const body = { question, connection_id: connectionId, format: values.csv ? 'csv' : 'json' }
  const stopSpinner = startSpinner(process.stderr, 'planning…')
  const r = await api('POST', '/api/v1/query', body, 'query:run').finally(stopSpinner)
  if (r.status !== 200) apiError('the question', r)
  process.stdout.write(values.csv ? r.text : `${JSON.stringify(r.json(), null, 2)}\n`)
}

/** The table answer: rows printed as /query/stream sends them, a spinner on a TTY stderr while planning. */
async function askStreaming(question: string, connectionId: string | undefined) {
  const stopSpinner = startSpinner(process.stderr, 'planning…')
  let res: Response
  try {
    res = await send('POST', '/api/v1/query/stream', { question, connection_id: connectionId }, 'query:run')
  } catch (e) {
    stopSpinner()
    throw e
  }
  if (res.status !== 200 || !res.body) {
    stopSpinner()
    apiError('the question', await readAnswer(res))
  }
  const outcome = await printStreamedAnswer(readSse(res.body as unknown as AsyncIterable<Uint8Array>), (t) => process.stdout.write(t), stopSpinner)
  if (outcome.error !== undefined) {
    throw new CliError(outcome.rowCount > 0 ? `the answer failed after ${outcome.rowCount} row(s): ${outcome.error}` : `the question failed: ${outcome.error}`)
  }
}

async function semanticImport(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    connection: { type: 'string' }, mode: { type: 'string', default: 'merge' }, 'source-schema': { type: 'string' }, manifest: { type: 'string' },
  } })
  if (!values.connection || (positionals.length > 0) === (values.manifest !== undefined)) fail(USAGE)
  const connectionId = await connectionIdOf(values.connection)
  const manifest = values.manifest
  const files = manifest !== undefined ? [{ path: manifest, content: readFileSync(manifest, 'utf8') }] : yamlFiles(positionals)
  if (!files.length) fail('no .yml/.yaml files found')
  const body0 = manifest !== undefined
    ? { connection_id: connectionId, format: 'dbt_semantic_manifest', files, mode: values.mode }
    : { connection_id: connectionId, format: 'metricflow', files, mode: values.mode, source_schema: values['source-schema'] }
  const r = await api('POST', '/api/v1/semantic/import', body0, 'semantic:write')
  if (r.status !== 200) apiError('import', r)
  const body = r.json()
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

async function tenantsSetPlan(args: string[]) {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} })
  if (positionals.length !== 2) fail(USAGE)
  const [ref, plan] = positionals
  await withStore(async (s) => {
    const tenant = (ref.startsWith('ten_') ? await s.tenants.get(ref) : undefined) ?? await s.tenants.byName(ref) ?? fail(`no tenant named "${ref}"`)
    if (!s.billing.planNames.includes(plan)) fail(`unknown plan "${plan}" (plans: ${s.billing.planNames.join(', ')})`)
    const { from, to } = await s.billing.setPlan(tenant.id, plan, { type: 'system', id: null, display: 'operator (CLI)' })
    process.stdout.write(`tenant ${tenant.name} (${tenant.id}): plan ${from} -> ${to}\n`)
  })
}

async function secretsRotate() {
  await withStore(async (s) => {
    const n = await s.connections.rotateSecrets()
    process.stdout.write(`re-sealed ${n} connection credential record(s) with key ${s.secretBox.currentKeyId}\n`)
    const sso = await s.sso.settings.rotateSecrets()
    process.stdout.write(`re-sealed ${sso} single sign-on client secret(s) with key ${s.secretBox.currentKeyId}\n`)
  })
}

async function main() {
  const [group, cmd, ...rest] = process.argv.slice(2)
  try {
    if (group === 'semantic' && cmd === 'import') return await semanticImport(rest)
    if (group === 'semantic' && cmd === 'validate') return await semanticValidate(rest)
    if (group === 'ask') return await ask([cmd, ...rest].filter((x): x is string => x !== undefined))
    if (group === 'users' && cmd === 'create') return await usersCreate(rest)
    if (group === 'tenants' && cmd === 'create') return await tenantsCreate(rest)
    if (group === 'tenants' && cmd === 'set-plan') return await tenantsSetPlan(rest)
    if (group === 'secrets' && cmd === 'rotate') return await secretsRotate()
    fail(USAGE)
  } catch (e) {
    if (e instanceof ConfigError || e instanceof AppError || e instanceof StoreLockedError) fail(e.message)
    if (e instanceof CliError) { process.stderr.write(`nexatron: ${e.message}\n`); process.exit(1) }
    throw e
  }
}

void main()
