// First-start setup: the default tenant, its first admin API key, and the demo
// connection with its semantic model. Safe to run on every start.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Container } from './container'
import { OPERATOR } from './identity/scopes'

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
  demoConnectionId?: string
}

export async function bootstrap(s: Container, opts: { demo: boolean }): Promise<BootstrapResult> {
  const tenant = await s.tenants.ensure(DEFAULT_TENANT, s.config.timezone)
  const result: BootstrapResult = { tenantId: tenant.id }
  if ((await s.apiKeys.count(tenant.id)) === 0) {
    const { key } = await s.apiKeys.create(tenant.id, { name: 'bootstrap admin', scopes: ['*'], key: s.config.bootstrapApiKey })
    if (!s.config.bootstrapApiKey) result.generatedKey = key
  }
  if (s.config.bootstrapAdmin && !(await s.users.byEmail(tenant.id, s.config.bootstrapAdmin.email))) {
    await s.users.create(tenant.id, { email: s.config.bootstrapAdmin.email, password: s.config.bootstrapAdmin.password, role: 'admin', name: 'Administrator' }, OPERATOR)
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
    if (manifest.semantic_models.length === 0) {
      // Our own layer over our own tables: no need to introspect the warehouse to check its relations.
      await s.semantic.import(tenant.id, { connectionId: conn.id, files: demoSemanticFiles(), mode: 'replace', checkRelations: false })
    } else {
      // The demo data is rebuilt at every start: refresh its value index too.
      await s.semantic.refreshAllSampleValues(tenant.id, conn.id)
    }
  }
  return result
}
