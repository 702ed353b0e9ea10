// The fields of each engine's connection form, mirroring the zod schemas the
// API validates with (connectors/<engine>/config.ts). The console cannot
// import those (they pull in node:net), so test/unit/console-engine-fields
// checks that these lists and the schemas name the same keys.
export type FieldKind = 'text' | 'number' | 'boolean' | 'select' | 'pem' | 'list' | 'json' | 'password'

export interface EngineField {
  key: string
  label: string
  kind: FieldKind
  required?: boolean
  hint?: string
  placeholder?: string
  choices?: readonly string[]
  /** Shown preselected in a new connection's form. */
  initial?: string | boolean
}

export interface Engine { type: string; label: string; config: EngineField[]; credentials: EngineField[] }

const SSL: EngineField = { key: 'ssl', label: 'TLS mode', kind: 'select', choices: ['disable', 'require', 'verify-ca', 'verify-full'], initial: 'require', hint: '“disable” only for servers without TLS.' }
const host: EngineField = { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: 'db.internal' }
const port = (n: number): EngineField => ({ key: 'port', label: 'Port', kind: 'number', placeholder: String(n), hint: `Default ${n}.` })
const database: EngineField = { key: 'database', label: 'Database', kind: 'text', required: true }
const user: EngineField = { key: 'user', label: 'User', kind: 'text', required: true, hint: 'Give this login read-only grants.' }
const sslCa: EngineField = { key: 'ssl_ca', label: 'CA certificate (PEM)', kind: 'pem', hint: 'For verify-ca / verify-full.' }
const sslCert: EngineField = { key: 'ssl_cert', label: 'Client certificate (PEM)', kind: 'pem' }
const schemas: EngineField = { key: 'schemas', label: 'Schemas to introspect', kind: 'list', hint: 'Comma-separated; empty: every schema the login can use.' }
const password: EngineField = { key: 'password', label: 'Password', kind: 'password' }
const sslKey: EngineField = { key: 'ssl_key', label: 'Client key (PEM)', kind: 'pem' }
const sslKeyPassphrase: EngineField = { key: 'ssl_key_passphrase', label: 'Client key passphrase', kind: 'password' }

export const ENGINES: Engine[] = [
  { type: 'postgres', label: 'PostgreSQL', config: [host, port(5432), database, user, SSL, sslCa, sslCert, schemas], credentials: [password, sslKey, sslKeyPassphrase] },
  { type: 'mysql', label: 'MySQL / MariaDB', config: [host, port(3306), database, user, SSL, sslCa, sslCert, schemas], credentials: [password, sslKey, sslKeyPassphrase] },
  { type: 'redshift', label: 'Amazon Redshift', config: [host, port(5439), database, user, SSL, { ...sslCa, hint: "Amazon's Redshift CA bundle, for verify-ca / verify-full." }, schemas], credentials: [password] },
  {
    type: 'clickhouse', label: 'ClickHouse',
    config: [host, { ...port(8443), hint: 'Default 8443 with TLS, 8123 without.' }, SSL, sslCa,
      { key: 'path', label: 'URL path prefix', kind: 'text', placeholder: '/clickhouse', hint: 'Only behind a proxy.' },
      { ...database, required: false, placeholder: 'default' }, { ...user, required: false, placeholder: 'default' }, { ...schemas, label: 'Databases to introspect' }],
    credentials: [password],
  },
  {
    type: 'mssql', label: 'SQL Server / Azure SQL',
    config: [host, port(1433), { key: 'instance_name', label: 'Instance name', kind: 'text', hint: 'A named instance (resolved through SQL Browser); the port is then ignored.' }, database,
      { key: 'encrypt', label: 'Encrypt the session (TLS)', kind: 'boolean', initial: true },
      { key: 'trust_server_certificate', label: 'Trust a self-signed server certificate', kind: 'boolean', initial: false },
      { key: 'read_only_intent', label: 'Read-only intent (readable secondary)', kind: 'boolean', initial: false },
      { key: 'rollback_only', label: 'Roll back every query’s transaction', kind: 'boolean', initial: true }],
    credentials: [{ key: 'username', label: 'Username', kind: 'text', required: true }, { ...password, required: true }, { key: 'domain', label: 'Windows domain (NTLM)', kind: 'text' }],
  },
  {
    type: 'snowflake', label: 'Snowflake',
    config: [{ key: 'account', label: 'Account', kind: 'text', required: true, placeholder: 'myorg-myaccount' }, database,
      { key: 'schema', label: 'Schema', kind: 'text' }, { key: 'warehouse', label: 'Warehouse', kind: 'text' }, { key: 'role', label: 'Role', kind: 'text' },
      { key: 'access_url', label: 'Access URL', kind: 'text', hint: 'Only for PrivateLink or a proxy.' }, { key: 'query_tag', label: 'Query tag', kind: 'text' }],
    credentials: [{ key: 'username', label: 'Username', kind: 'text', required: true }, { ...password, hint: 'Give a password or a private key, not both.' },
      { key: 'private_key', label: 'Private key (PEM)', kind: 'pem' }, { key: 'private_key_passphrase', label: 'Private key passphrase', kind: 'password' }],
  },
  {
    type: 'bigquery', label: 'Google BigQuery',
    config: [{ key: 'project_id', label: 'Project ID', kind: 'text', required: true, placeholder: 'my-project-123' }, { key: 'location', label: 'Location', kind: 'text', placeholder: 'US' },
      { key: 'datasets', label: 'Datasets to introspect', kind: 'list', hint: 'Comma-separated; empty: every dataset the credentials can list.' },
      { key: 'maximum_bytes_billed', label: 'Maximum bytes billed per query', kind: 'number', hint: 'Default 10 GiB.' },
      { key: 'api_endpoint', label: 'API endpoint', kind: 'text', hint: 'Only for Private Service Connect or a regional endpoint.' }],
    credentials: [{ key: 'service_account_json', label: 'Service account key (JSON)', kind: 'json', hint: 'Or an access token, not both.' }, { key: 'access_token', label: 'Access token', kind: 'password' }],
  },
]
// PGlite (the in-process demo warehouse) is left out on purpose: its only
// setting is a directory on the server, which only an operator should choose.

export const engineOf = (type: string): Engine | undefined => ENGINES.find((e) => e.type === type)

/** The connection options every engine shares (ConnectionOptionsSchema). */
export const OPTION_FIELDS: EngineField[] = [
  { key: 'max_rows', label: 'Row limit', kind: 'number', hint: 'Row cap for every query on this connection.' },
  { key: 'timeout_ms', label: 'Statement timeout (ms)', kind: 'number' },
  { key: 'allow_raw_sql', label: 'Allow SQL written by the planner (always guarded)', kind: 'boolean', initial: false },
  { key: 'cache_ttl_s', label: 'Result cache TTL (s)', kind: 'number', hint: '0 turns the result cache off; empty: semantic queries 60 s, raw SQL never.' },
  { key: 'allow_elevated_login', label: 'Accept a login that can do more than read', kind: 'boolean', initial: false, hint: 'Off by default: such a login turns any guard bypass into a write.' },
]

export type FormValues = Record<string, string | boolean>

/** A stored value as the form shows it (lists comma-separated). */
export function toFormValue(f: EngineField, v: unknown): string | boolean {
  if (f.kind === 'boolean') return v === undefined ? (f.initial as boolean | undefined) ?? false : Boolean(v)
  if (v === undefined || v === null) return typeof f.initial === 'string' ? f.initial : ''
  if (Array.isArray(v)) return v.join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** The form's text as the API's JSON value; undefined for an empty field. */
export function fromFormValue(f: EngineField, v: string | boolean | undefined): unknown {
  if (f.kind === 'boolean') return Boolean(v)
  const s = typeof v === 'string' ? (f.kind === 'pem' || f.kind === 'json' || f.kind === 'password' ? v : v.trim()) : ''
  if (s.trim() === '') return undefined
  if (f.kind === 'number') return Number.isFinite(Number(s)) ? Number(s) : s
  if (f.kind === 'list') return s.split(',').map((x) => x.trim()).filter(Boolean)
  return s
}

/**
 * The config to PATCH: the stored config with the edited fields laid over it.
 * The API replaces `config` as a whole, so keys the form does not show (or
 * that were not touched) are sent back unchanged instead of being wiped.
 */
export function configPatch(stored: Record<string, unknown>, fields: EngineField[], values: FormValues): Record<string, unknown> {
  // The API merges config like a JSON merge patch: keys not sent (those the
  // form does not show) are kept, and a field the admin cleared is sent as null.
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const v = fromFormValue(f, values[f.key])
    if (v !== undefined) out[f.key] = v
    else if (f.key in stored) out[f.key] = null
  }
  return out
}

/** The fields with a value (an empty field is left out: for secrets, it keeps the stored ones). */
export function enteredValues(fields: EngineField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const v = fromFormValue(f, values[f.key])
    if (v !== undefined) out[f.key] = v
  }
  return out
}
