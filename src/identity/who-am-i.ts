// What GET /auth/me answers: the credential behind a request, its tenant, its
// user (for a personal API key, the key's owner) and its API key, in one view.
import { notFound } from '../errors'
import type { ApiKeyService } from './api-keys'
import type { Principal } from './principal'
import type { TenantService } from './tenants'
import type { UserService } from './users'

export interface WhoAmI {
  kind: Principal['kind']
  id: string
  tenant: { id: string; name: string; timezone: string }
  role: string | null
  scopes: string[]
  user: { id: string; email: string; name: string | null } | null
  api_key: { id: string; name: string; prefix: string; expires_at: string | null } | null
  attributes: NonNullable<Principal['attributes']>
  groups: string[]
}

export async function whoAmI(deps: { tenants: TenantService; users: UserService; apiKeys: ApiKeyService }, p: Principal): Promise<WhoAmI> {
  const tenant = await deps.tenants.get(p.tenantId)
  if (!tenant) throw notFound('tenant')
  const userView = (u: { id: string; email: string; name: string | null }) => ({ id: u.id, email: u.email, name: u.name })
  let user: WhoAmI['user'] = null
  let apiKey: WhoAmI['api_key'] = null
  if (p.kind === 'user') {
    user = userView(await deps.users.get(p.tenantId, p.id))
  } else {
    const k = await deps.apiKeys.find(p.tenantId, p.id)
    if (k) apiKey = { id: k.id, name: k.name, prefix: k.prefix, expires_at: k.expiresAt?.toISOString() ?? null }
    // A personal key speaks for its owner; the owner may have been removed since.
    if (k?.ownerUserId) {
      const u = await deps.users.get(p.tenantId, k.ownerUserId).catch(() => null)
      if (u) user = userView(u)
    }
  }
  return {
    kind: p.kind, id: p.id, tenant: { id: tenant.id, name: tenant.name, timezone: tenant.timezone },
    role: p.role ?? null, scopes: p.scopes, user, api_key: apiKey, attributes: p.attributes ?? {}, groups: p.groups ?? [],
  }
}
