// First-start setup: the default tenant, its first admin API key, and the demo
// connection with its semantic model. Safe to run on every start.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Container } from './container'
import { OPERATOR } from './identity/scopes'
import { markSampleValues, sampleValuesCurrent, type DemoDataKey } from './demo/demo-cache'

export const DEFAULT_TENANT = 'default'
const DEMO_SEMANTIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'demo/semantic')

export function demoSemanticFiles(): Array<{ path: string; content: string }> {
  return readdirSync(DEMO_SEMANTIC_DIR).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => ({ path: f, content: readFileSync(path.join(DEMO_SEMANTIC_DIR, f), 'utf8') }))
}

export interface BootstrapResult {
  tenantId: string
  /** Set only when a key was generated now: print it once. */
  generatedKey?: string
  /** Set only when the console's first admin was made now: print it once. */
  generatedAdmin?: { email: string; password: string }
  demoConnectionId?: string
  /**
   * With `deferSampleValues`: the reading of the demo's sample values left
   * to do (the warehouse builds the day's data meanwhile); the caller runs it
   * through SemanticStore.settle() before serving, so questions wait for it.
   */
  pendingSampleValues?: () => Promise<void>
}

export interface BootstrapOptions {
  demo: boolean
  /**
   * The demo data's key and the folder where the key of the data the sample
   * values were read from is kept: a warm start serving the same data skips
   * reading them again, so the demo warehouse stays stopped until a question
   * needs it. Without it, the values are read at every start.
   */
  demoCache?: { dir: string; key: () => DemoDataKey }
  /**
   * Leave reading the demo's sample values (which waits for the demo
   * warehouse to build the day's data) to the caller, as
   * `pendingSampleValues`, instead of before returning: the server starts
   * serving meanwhile. Without it they are read here.
   */
  deferSampleValues?: boolean
  /**
   * On the very first start (the admin key generated now, no admin user
   * configured, nobody to sign in as) make the console's first admin with a
   * generated password, so that `npm start` → open the console → sign in
   * works without stopping the server to create a user.
   */
  firstAdminUser?: boolean
}

export const FIRST_ADMIN_EMAIL = 'admin@nexatron.local'

export async function bootstrap(s: Container, opts: BootstrapOptions): Promise<BootstrapResult> {
  const tenant = await s.tenants.ensure(DEFAULT_TENANT, s.config.timezone)
  const result: BootstrapResult = { tenantId: tenant.id }
  if ((await s.apiKeys.count(tenant.id)) === 0) {
    const { key } = await s.apiKeys.create(tenant.id, { name: 'bootstrap admin', scopes: ['*'], key: s.config.bootstrapApiKey })
    if (!s.config.bootstrapApiKey) result.generatedKey = key
  }
  if (s.config.bootstrapAdmin && !(await s.users.byEmail(tenant.id, s.config.bootstrapAdmin.email))) {
    await s.users.create(tenant.id, { email: s.config.bootstrapAdmin.email, password: s.config.bootstrapAdmin.password, role: 'admin', name: 'Administrator' }, OPERATOR)
  } else if (opts.firstAdminUser && result.generatedKey && !s.config.bootstrapAdmin && (await s.users.list(tenant.id, { limit: 1 })).data.length === 0) {
    const password = randomBytes(15).toString('base64url')
    await s.users.create(tenant.id, { email: FIRST_ADMIN_EMAIL, password, role: 'admin', name: 'Administrator' }, OPERATOR)
    result.generatedAdmin = { email: FIRST_ADMIN_EMAIL, password }
  }
  if (opts.demo) {
    let conn = await s.connections.byName(tenant.id, 'demo')
    if (!conn) {
      conn = await s.connections.create(tenant.id, {
        name: 'demo', type: 'pglite', config: { demo: true }, options: { max_rows: 100_000, timeout_ms: 30_000 }, is_default: true,
      })
    }
    result.demoConnectionId = conn.id
    const { manifest } = await s.semantic.store.load(tenant.id, conn.id)
    const cache = opts.demoCache
    const connId = conn.id
    const refreshed = (ok: boolean) => { if (cache && ok) markSampleValues(cache.dir, cache.key(), connId) }
    const readValues = async () => {
      const { failed } = await s.semantic.refreshAllSampleValues(tenant.id, connId)
      refreshed(failed.length === 0)
    }
    const fresh = manifest.semantic_models.length === 0
    if (fresh && !opts.deferSampleValues) {
      // Our own layer over our own tables: no need to introspect the warehouse to check its relations.
      const imported = await s.semantic.import(tenant.id, { connectionId: conn.id, files: demoSemanticFiles(), mode: 'replace', checkRelations: false })
      refreshed(!imported.sample_values?.failed.length)
    } else if (fresh) {
      await s.semantic.import(tenant.id, { connectionId: conn.id, files: demoSemanticFiles(), mode: 'replace', checkRelations: false, refreshSampleValues: false })
      result.pendingSampleValues = readValues
    } else if (!cache || !sampleValuesCurrent(cache.dir, cache.key(), conn.id)) {
      // The data ends today, so it changes with the day: its value index follows.
      if (opts.deferSampleValues) result.pendingSampleValues = readValues
      else await readValues()
    }
  }
  return result
}
