// A real OpenID Provider for the single sign-on tests: oidc-provider (a
// certified implementation) on 127.0.0.1, with one confidential client, PKCE
// required, and an interaction that signs in whichever test account the test
// chose (`provider.nextLogin`) without a form; `nextLogin = { error }` makes
// the provider answer the authorization with that error instead.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { exportJWK, generateKeyPair } from 'jose'

export interface TestAccount {
  email?: string
  email_verified?: boolean
  name?: string
  groups?: string[]
}

export interface TestProvider {
  issuer: string
  clientId: string
  clientSecret: string
  accounts: Map<string, TestAccount>
  /** The account the next interaction signs in (its `sub`), or an error the provider answers with. */
  nextLogin: { sub: string } | { error: string }
  /** Requests the provider received, by path (discovery, token, JWKS, userinfo go through our pinned fetch). */
  requests: string[]
  close(): Promise<void>
}

export async function startTestProvider(opts: { redirectUri: string }): Promise<TestProvider> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = 'nexatron-test'
  const clientSecret = 'test-client-secret-0123456789abcdefghij'
  const accounts = new Map<string, TestAccount>()
  const state: Pick<TestProvider, 'nextLogin' | 'requests'> = { nextLogin: { error: 'login_required' }, requests: [] }

  // Its own signing key (the provider's built-in development keys print a warning).
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-rs256', use: 'sig', alg: 'RS256' }] },
    clients: [{
      client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri],
      response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    findAccount: (_ctx: unknown, sub: string) => {
      const a = accounts.get(sub)
      return a ? { accountId: sub, claims: async () => ({ sub, ...a }) } : undefined
    },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
  })
  provider.on('server_error', (_ctx, err) => { console.error('oidc-provider server_error', err) })

  const handle = provider.callback()
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.requests.push(new URL(req.url ?? '/', issuer).pathname)
    if (!req.url?.startsWith('/interaction/')) return handle(req, res)
    void (async () => {
      const details = await provider.interactionDetails(req, res)
      const next = state.nextLogin
      if ('error' in next) {
        await provider.interactionFinished(req, res, { error: next.error, error_description: 'refused by the test' }, { mergeWithLastSubmission: false })
      } else if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: next.sub } }, { mergeWithLastSubmission: false })
      } else {
        const grant = new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id })
        grant.addOIDCScope(details.params.scope)
        grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups'])
        await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true })
      }
    })().catch((err: unknown) => {
      res.statusCode = 500
      res.end(String(err))
    })
  })

  return Object.assign(state, {
    issuer, clientId, clientSecret, accounts,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  })
}

/** Cookies of one browser at the provider (name -> value). */
export class CookieJar {
  private readonly cookies = new Map<string, string>()
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * Follows the provider's redirects from the authorization URL (through the
 * interaction) with one browser's cookies, and answers the first URL that
 * leads away from the provider: the redirect back to the relying party.
 */
export async function followProvider(authorizationUrl: string, issuer: string): Promise<string> {
  const jar = new CookieJar()
  let url = authorizationUrl
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
    jar.take(res)
    const location = res.headers.get('location')
    if (!location || res.status < 300 || res.status > 399) throw new Error(`the provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`)
    await res.arrayBuffer().catch(() => undefined)
    const next = new URL(location, url)
    if (next.origin !== new URL(issuer).origin) return next.href
    url = next.href
  }
  throw new Error('the provider redirected too often')
}
