// Who a SCIM token acts as. Only the tenant's SCIM token is accepted under
// /scim/ (src/http/middleware/scim-auth.ts sets its principal): that principal
// holds no Nexatron scope, and its `delegatedScopes` (the token creator's)
// bound what SCIM may grant.
import type { Actor } from '../identity/scopes'
import type { Principal } from '../identity/principal'

export const isScimPrincipal = (p: Principal | undefined): p is Principal => !!p && p.id.startsWith('scim_') && p.scopes.length === 0

/** The SCIM token as the actor of a change: its creator's scopes, nothing more. */
export const scimActor = (p: Principal): Actor => ({ id: p.id, scopes: p.delegatedScopes ?? [] })
