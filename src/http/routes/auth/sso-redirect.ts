// This server's single sign-on callback URL: what the provider redirects to
// and what the admin registers there (shown with the settings).
import type { Context } from 'hono'
import type { AppEnv } from '../../app-env'

export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback'

/** This server's callback URL: NEXATRON_PUBLIC_URL when set, else the origin the request came to. */
export function ssoRedirectUri(c: Context<AppEnv>): string {
  const base = c.get('services').config.publicUrl ?? new URL(c.req.url).origin
  return new URL(SSO_CALLBACK_PATH, base).href
}
