// A connection's type-specific settings through the API: every problem is a
// 422 invalid_config detail at its own path (connectors/registry.ts validates),
// an unknown field included, and no submitted value comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

const postgres = (config: Record<string, unknown>, credentials: Record<string, unknown> = { password: 'pw' }) => ({
  name: `pg-${Math.random().toString(36).slice(2, 8)}`, type: 'postgres',
  config: { host: 'db.example.com', database: 'analytics', user: 'nexatron', ...config }, credentials,
})

describe('POST /api/v1/connections: type-specific settings', () => {
  it('reports an unknown config field at its own path (config.colour), not at config', async () => {
    const res = await t.request('POST', '/api/v1/connections', { body: postgres({ colour: 'blue-secretish' }) })
    expect(res.status).toBe(422)
    const { error } = await res.json()
    expect(error.code).toBe('invalid_config')
    expect(error.details).toEqual([{ path: 'config.colour', issue: 'unrecognized_key', message: 'unknown field' }])
    expect(error.message).toBe('config.colour: unknown field')
    expect(JSON.stringify(error)).not.toContain('blue-secretish')
  })

  it('lists every problem at once, each at its path, credentials included, without echoing a secret', async () => {
    const res = await t.request('POST', '/api/v1/connections', { body: postgres({ port: 0, shade: 'x', tint: 'y' }, { password: 12345678, pin: 'hunter2' }) })
    expect(res.status).toBe(422)
    const { error } = await res.json()
    expect(error.details.map((d: { path: string }) => d.path).sort())
      .toEqual(['config.port', 'config.shade', 'config.tint', 'credentials.password', 'credentials.pin'])
    expect(JSON.stringify(error)).not.toMatch(/hunter2|12345678/)
  })

  it('names the first few unknown fields at their paths and counts the rest', async () => {
    const extra = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`extra_${i}`, i]))
    const res = await t.request('POST', '/api/v1/connections', { body: postgres(extra) })
    const { error } = await res.json()
    expect(error.details).toEqual([
      ...Array.from({ length: 5 }, (_, i) => ({ path: `config.extra_${i}`, issue: 'unrecognized_key', message: 'unknown field' })),
      { path: 'config', issue: 'unrecognized_keys', message: '7 more unknown fields' },
    ])
  })

  it('lets a tenant add the demo warehouse once', async () => {
    const demo = { name: 'demo-again', type: 'pglite', config: { demo: true } }
    const first = await t.request('POST', '/api/v1/connections', { body: demo })
    expect(first.status, JSON.stringify(await first.clone().json())).toBe(201)
    const again = await t.request('POST', '/api/v1/connections', { body: { ...demo, name: 'demo-thrice' } })
    expect(again.status).toBe(409)
    expect((await again.json()).error.details).toEqual([{ path: 'type', issue: 'duplicate' }])
  })

  it('offers the embedded engine only as the demo warehouse', async () => {
    const res = await t.request('POST', '/api/v1/connections', { body: { name: 'embedded', type: 'pglite', config: { data_dir: '/var/lib/nexatron' } } })
    expect(res.status).toBe(422)
    const { error } = await res.json()
    expect(error).toMatchObject({ code: 'invalid_config', details: [{ path: 'config', issue: 'not_allowed' }] })
    expect(error.message).toMatch(/^config: embedded \(pglite\) connections can only be the demo warehouse/)
  })
})

describe('PATCH /api/v1/connections/{id}: config is merged, not replaced', () => {
  it('keeps the fields a patch does not send, and removes a field sent as null', async () => {
    const created = await t.request('POST', '/api/v1/connections', {
      body: {
        name: `pg-merge-${Math.random().toString(36).slice(2, 8)}`, type: 'postgres',
        config: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schemas: ['public'] },
        options: { allow_elevated_login: true },
      },
    })
    expect(created.status).toBe(201)
    const { id } = await created.json()
    // one field edited: host, database, user and port stay as they were
    const renamedSchema = await t.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { schemas: ['public', 'sales'] } } })
    expect(renamedSchema.status).toBe(200)
    expect((await renamedSchema.json()).config).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schemas: ['public', 'sales'] })
    // null removes the field (JSON merge patch)
    const cleared = await t.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { schemas: null } } })
    expect(cleared.status).toBe(200)
    const clearedConfig = (await cleared.json()).config
    expect(clearedConfig).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' })
    expect(clearedConfig).not.toHaveProperty('schemas')
    // options merge the same way; null returns one to its default
    const capped = await t.request('PATCH', `/api/v1/connections/${id}`, { body: { options: { max_rows: 50 } } })
    expect((await capped.json()).options).toMatchObject({ allow_elevated_login: true, max_rows: 50 })
    const uncapped = await (await t.request('PATCH', `/api/v1/connections/${id}`, { body: { options: { max_rows: null } } })).json()
    expect(uncapped.options).toMatchObject({ allow_elevated_login: true })
    expect(uncapped.options).not.toHaveProperty('max_rows')
    // a required field sent as null is a validation error at its path, not a wipe
    const broken = await t.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { host: null } } })
    expect(broken.status).toBe(422)
    expect((await broken.json()).error.details.map((d: { path: string }) => d.path)).toContain('config.host')
  })
})
