// The very first start of a fresh install: the admin API key and the console's
// first admin are made once, so an analyst can open the console and sign in
// without stopping the server to create a user.
import { afterEach, describe, expect, it } from 'vitest'
import { bootstrap, FIRST_ADMIN_EMAIL } from '../../src/bootstrap'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'

type Services = Awaited<ReturnType<typeof buildServices>>
let services: Services | undefined
afterEach(async () => { await services?.dispose(); services = undefined })

const fresh = async (env: Record<string, string> = {}) => {
  services = await buildServices(loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env }), { inMemory: true, logger: createLogger('silent') })
  return services
}
const login = (s: Services, email: string, password: string) => createApp(s).request('/api/v1/auth/login', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
})

describe('first start', () => {
  it('makes a console admin with a generated password, once, who can sign in', async () => {
    const s = await fresh()
    const first = await bootstrap(s, { demo: false, firstAdminUser: true })
    expect(first.generatedKey).toMatch(/^nxa_/)
    expect(first.generatedAdmin?.email).toBe(FIRST_ADMIN_EMAIL)
    expect(first.generatedAdmin!.password.length).toBeGreaterThanOrEqual(20)
    const res = await login(s, FIRST_ADMIN_EMAIL, first.generatedAdmin!.password)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { access_token?: string }).access_token).toBeTruthy()
    // a restart shows neither again and makes no second user
    const again = await bootstrap(s, { demo: false, firstAdminUser: true })
    expect(again.generatedKey).toBeUndefined()
    expect(again.generatedAdmin).toBeUndefined()
    expect((await s.users.list(first.tenantId, { limit: 10 })).data).toHaveLength(1)
  })

  it('makes no generated admin when one is configured or a key was given', async () => {
    const configured = await fresh({ NEXATRON_BOOTSTRAP_ADMIN_EMAIL: 'owner@example.com', NEXATRON_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery' })
    const a = await bootstrap(configured, { demo: false, firstAdminUser: true })
    expect(a.generatedAdmin).toBeUndefined()
    expect((await configured.users.list(a.tenantId, { limit: 10 })).data.map((u) => u.email)).toEqual(['owner@example.com'])
    await configured.dispose(); services = undefined

    const withKey = await fresh({ NEXATRON_BOOTSTRAP_API_KEY: `nxa_${'a1'.repeat(20)}` })
    const b = await bootstrap(withKey, { demo: false, firstAdminUser: true })
    expect(b.generatedAdmin).toBeUndefined()
    expect((await withKey.users.list(b.tenantId, { limit: 10 })).data).toHaveLength(0)
  })
})
