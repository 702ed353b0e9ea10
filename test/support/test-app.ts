// An app over an in-memory PGlite store with one tenant and an admin key.
// Share one per test file (PGlite is heavy): call in beforeAll.
import { loadConfig } from '../../src/config'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { createLogger } from '../../src/logger'

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

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env })
  const services = await buildServices(config, { inMemory: true, logger: createLogger('silent') })
  const app = createApp(services)
  const newTenant = async (name: string) => {
    const tenant = await services.tenants.create(name)
    const { key } = await services.apiKeys.create(tenant.id, { name: 'admin', scopes: ['*'] })
    return { tenantId: tenant.id, adminKey: key }
  }
  const first = await newTenant('default')
  return {
    app, services, tenantId: first.tenantId, adminKey: first.adminKey, newTenant,
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
    close: () => services.dispose(),
  }
}
