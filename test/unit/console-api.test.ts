// The console's API client (console/src/api.ts): bearer token from memory,
// one shared refresh on 401 and one retry, errors as ApiError.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, onSignedOut, setAccessToken } from '../../console/src/api'

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const unauthorized = () => json(401, { error: { code: 'unauthorized', message: 'expired', details: [], request_id: 'req_1' } })

afterEach(() => { vi.unstubAllGlobals(); setAccessToken(null) })

describe('the console API client', () => {
  it('sends the access token and the console header', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => json(200, { ok: true }))
    vi.stubGlobal('fetch', fetch)
    setAccessToken('tok_a')
    expect(await api.get('/api/v1/auth/me', { limit: 5, cursor: undefined })).toEqual({ ok: true })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/auth/me?limit=5')
    expect(init.headers).toMatchObject({ Authorization: 'Bearer tok_a', 'X-Nexatron-Console': '1' })
  })

  it('refreshes once on 401, shared by concurrent requests, and retries with the new token', async () => {
    let refreshes = 0
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/api/v1/auth/refresh') {
        refreshes++
        expect(init.headers).toMatchObject({ 'X-Nexatron-Console': '1' })
        await new Promise((r) => setTimeout(r, 10))
        return json(200, { access_token: 'tok_new', expires_in: 900, token_type: 'Bearer' })
      }
      const auth = (init.headers as Record<string, string>).Authorization
      return auth === 'Bearer tok_new' ? json(200, { url }) : unauthorized()
    })
    vi.stubGlobal('fetch', fetch)
    setAccessToken('tok_old')
    const [a, b] = await Promise.all([api.get('/api/v1/a'), api.get('/api/v1/b')])
    expect([a, b]).toEqual([{ url: '/api/v1/a' }, { url: '/api/v1/b' }])
    expect(refreshes).toBe(1)
  })

  it('reports the end of the session when the refresh is refused, and throws the API error', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (url === '/api/v1/auth/refresh' ? unauthorized() : unauthorized())))
    const ended = vi.fn()
    const off = onSignedOut(ended)
    const err = await api.get('/api/v1/x').catch((e: unknown) => e)
    off()
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', requestId: 'req_1' })
    expect(ended).toHaveBeenCalledOnce()
  })

  it('carries the status, code, message and details of an error answer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(422, { error: { code: 'ambiguous_question', message: 'Not sure', details: [{ issue: 'low_confidence', candidates: [{ id: 'int_x' }] }], request_id: 'req_2' } })))
    const err = await api.post('/api/v1/query', { question: 'q' }).catch((e: unknown) => e) as ApiError
    expect(err).toMatchObject({ status: 422, code: 'ambiguous_question', message: 'Not sure' })
    expect(err.details[0].candidates).toEqual([{ id: 'int_x' }])
  })
})
