// From the identity provider's groups to one Nexatron role, by rules like
// SCIM's default mapping (src/identity/role-groups.ts): a group whose name is
// a role name (`admin`, `analyst`, `viewer`) is that role, and every user
// holds exactly one role. SSO adds the tenant's own map from IdP group names
// or ids (Okta group names, Entra group object ids or app roles) onto those
// roles. Several matches: the strongest role wins; none: the default role
// (NEXATRON_SCIM_DEFAULT_ROLE, the one SCIM gives a new user).
import { isRole } from '../../scim/scim-resources'
import { ROLES, type Role } from '../scopes'

// ROLES lists the strongest first (admin, analyst, viewer).
const rank = (r: Role) => ROLES.length - ROLES.indexOf(r)

/**
 * The role `groups` map to; undefined when the token carried no groups claim
 * at all (then an existing user keeps the role they have).
 */
export function roleFromGroups(groups: readonly string[] | undefined, mapping: Readonly<Record<string, Role>>, defaultRole: Role): Role | undefined {
  if (groups === undefined) return undefined
  let best: Role | undefined
  for (const g of groups) {
    const role = Object.hasOwn(mapping, g) ? mapping[g] : isRole(g) ? g : undefined
    if (role && (!best || rank(role) > rank(best))) best = role
  }
  return best ?? defaultRole
}

/**
 * The groups in `claims[claim]`: a list of strings or a single string. A
 * dotted name (`realm_access.roles`) is followed into nested objects when no
 * claim has that exact name. Undefined when the claim is absent.
 */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string | null | undefined): string[] | undefined {
  if (!claim) return undefined
  let v: unknown = Object.hasOwn(claims, claim) ? claims[claim] : undefined
  if (v === undefined && claim.includes('.')) {
    v = claim.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), claims)
  }
  if (typeof v === 'string') return [v]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return undefined
}
