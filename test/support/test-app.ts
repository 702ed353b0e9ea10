// An app over an in-memory PGlite store with one tenant and an admin key.
// Share one per test file (PGlite is heavy): call in beforeAll.
import { loadConfig } from '../../src/config'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { createLogger } from '../../src/logger'
import { bootstrap } from '../../src/bootstrap'
import type { ContainerOptions } from '../../src/container'
import type { PGlite } from '@electric-sql/pglite'

/** Response whose json() is loosely typed: tests assert on shapes at run time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> }

export interface TestApp {
  app: ReturnType<typeof createApp>
  services: Awaited<ReturnType<typeof buildServices>>
  tenantId: string
  adminKey: string
  request(method: string, path: string, opts?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<TestResponse>
  newTenant(name: string): Promise<{ tenantId: string; adminKey: string }>
  close(): Promise<void>
}

export interface TestAppOptions extends Omit<ContainerOptions, 'logger' | 'inMemory' | 'demoDb'> {
  /** A demo warehouse to share between apps of one test file. */
  demoDb?: PGlite
  /** Load the demo warehouse (data ending on `now()`) and bootstrap the demo connection. */
  demo?: boolean
}

export async function createTestApp(env: Record<string, string> = {}, opts: TestAppOptions = {}): Promise<TestApp & { demoDb?: PGlite; demoConnectionId?: string }> {
  const config = loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env })
  let demoDb = opts.demoDb
  if (opts.demo && !demoDb && !opts.demoWarehouse) demoDb = await (await import('../../src/demo/warehouse')).createDemoWarehouse(opts.now?.() ?? new Date())
  const services = await buildServices(config, { inMemory: true, logger: createLogger('silent'), ...opts, demoDb })
  const app = createApp(services)
  const boot = opts.demo ? await bootstrap(services, { demo: true }) : undefined
  const newTenant = async (name: string) => {
    const tenant = await services.tenants.create(name)
    const { key } = await services.apiKeys.create(tenant.id, { name: 'admin', scopes: ['*'] })
    return { tenantId: tenant.id, adminKey: key }
  }
  // With the demo, bootstrap made the default tenant; give it a known admin key.
  const first = boot
    ? { tenantId: boot.tenantId, adminKey: (await services.apiKeys.create(boot.tenantId, { name: 'test admin', scopes: ['*'] })).key }
    : await newTenant('default')
  return {
    app, services, tenantId: first.tenantId, adminKey: first.adminKey, newTenant, demoDb, demoConnectionId: boot?.demoConnectionId,
    request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers }
      const key = opts.key === undefined ? first.adminKey : opts.key
      if (key) headers.authorization = `Bearer ${key}`
      let body: string | undefined
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
        headers['content-type'] ??= 'application/json'
      }
      return Promise.resolve(app.request(path, { method, headers, body }))
    },
    close: async () => {
      await services.dispose()
      if (demoDb && !opts.demoDb) await demoDb.close()
    },
  }
}
