// The access context of a principal (its role, groups and attributes: all that access
// policies read) and a stable key of the part of it that changes what a
// principal may see, for caches of restricted layers and of results.
import { createHash } from 'node:crypto'
import type { Principal } from '../identity/principal'
import { policyApplies, type AccessContext, type AccessPolicy, type Attributes } from '../../semantic/access'

/**
 * Users have a role; an API key's role for policies follows from its
 * effective scopes (`*`: admin, query:run: analyst, else viewer), so a key
 * never bypasses a policy its scopes would not let a user bypass.
 */
export function accessRole(principal: Pick<Principal, 'role' | 'scopes'>): string {
  if (principal.role) return principal.role
  if (principal.scopes.includes('*')) return 'admin'
  return principal.scopes.includes('query:run') ? 'analyst' : 'viewer'
}

export function accessContextOf(principal: Pick<Principal, 'role' | 'scopes' | 'attributes' | 'groups' | 'groupsBypass'>): AccessContext {
  return {
    role: accessRole(principal), attributes: principal.attributes ?? {},
    ...(principal.groups?.length ? { groups: principal.groups } : {}), ...(principal.groupsBypass === false ? { groupsBypass: false } : {}),
  }
}

/** Canonical JSON (sorted keys) so equal contexts hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(v)
}

/**
 * A stable hash of what of `principal` the policies read: which policies
 * apply, the role where a policy names roles, and the attributes any applying
 * policy names. Two principals with the same key see exactly the same
 * restricted layer (so may share cached results); with no policies every
 * principal has the same key.
 */
export function accessContextKey(principal: Pick<Principal, 'role' | 'scopes' | 'attributes' | 'groups' | 'groupsBypass'> | AccessContext, policies: readonly AccessPolicy[]): string {
  const ctx = 'attributes' in principal && 'role' in principal && typeof principal.role === 'string' && !('scopes' in principal)
    ? principal as AccessContext
    : accessContextOf(principal as Principal)
  const applying = policies.filter((p) => policyApplies(p, ctx))
  const attrs: Attributes = {}
  for (const p of applying) {
    for (const m of (p.row_filter ?? '').matchAll(/Attribute\(\s*'([^']*)'\s*\)/g)) if (ctx.attributes[m[1]] !== undefined) attrs[m[1]] = ctx.attributes[m[1]]
  }
  // The principal's groups that applying policies name. Which policies apply
  // already depends on them; naming them keeps the key's basis explicit.
  const named = new Set(applying.flatMap((p) => [...(p.applies_to?.groups ?? []), ...(p.bypass_groups ?? [])]).map((g) => g.toLowerCase()))
  const groups = [...new Set((ctx.groups ?? []).map((g) => g.toLowerCase()).filter((g) => named.has(g)))].sort()
  // The applying policies' full definitions: a changed policy changes the key.
  const basis = { policies: applying.map(canonical).sort(), attributes: attrs, ...(groups.length ? { groups } : {}), missing: applying.flatMap((p) => [...(p.row_filter ?? '').matchAll(/Attribute\(\s*'([^']*)'\s*\)/g)].map((m) => m[1]).filter((a) => ctx.attributes[a] === undefined)).sort() }
  return createHash('sha256').update(canonical(basis)).digest('hex').slice(0, 32)
}
