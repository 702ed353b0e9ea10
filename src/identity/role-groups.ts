// Which groups grant which role (NEXATRON_SCIM_ROLE_GROUPS, issue #17):
// `admin:Nexatron Admins,analyst:Nexatron Analysts`. A user in at least one
// mapped group holds the highest role any of their mapped groups grants
// (admin > analyst > viewer); see groups.ts for when roles are recomputed.
// Group names match case-insensitively, like the groups' own uniqueness.
import { ROLES, type Role } from './scopes'

/** Lower-cased group name → the role it grants. */
export type RoleGroupMap = ReadonlyMap<string, Role>

/**
 * Unset: the groups named after the roles (`admin`, `analyst`, `viewer`),
 * so identity providers that pushed those names before groups were real keep
 * working. `none`: groups never change roles.
 */
export const DEFAULT_ROLE_GROUPS = 'admin:admin,analyst:analyst,viewer:viewer'

/** Parses the variable; throws an Error naming it and the bad entry (read at startup). */
export function parseRoleGroups(value: string | undefined): RoleGroupMap {
  const raw = value === undefined || value.trim() === '' ? DEFAULT_ROLE_GROUPS : value.trim()
  const map = new Map<string, Role>()
  if (raw.toLowerCase() === 'none') return map
  for (const entry of raw.split(',')) {
    const i = entry.indexOf(':')
    const role = (i < 0 ? '' : entry.slice(0, i)).trim().toLowerCase()
    const group = (i < 0 ? '' : entry.slice(i + 1)).trim()
    if (!(ROLES as readonly string[]).includes(role) || !group || group.length > 200) {
      throw new Error(`NEXATRON_SCIM_ROLE_GROUPS: "${entry.trim().slice(0, 80)}" is not role:group name (roles: ${ROLES.join(', ')}; entries separated by commas)`)
    }
    const key = group.toLowerCase()
    const before = map.get(key)
    if (before && before !== role) throw new Error(`NEXATRON_SCIM_ROLE_GROUPS: group "${group}" is mapped to both ${before} and ${role}`)
    map.set(key, role as Role)
  }
  return map
}

/** Highest first: the order in which a user's mapped roles compete. */
const RANK: Record<Role, number> = { admin: 3, analyst: 2, viewer: 1 }

/** The role a user's groups grant, or undefined when none of them is mapped. */
export function roleFromGroups(groupNames: readonly string[], map: RoleGroupMap): Role | undefined {
  let best: Role | undefined
  for (const name of groupNames) {
    const r = map.get(name.toLowerCase())
    if (r && (!best || RANK[r] > RANK[best])) best = r
  }
  return best
}

export const isMappedGroup = (name: string, map: RoleGroupMap) => map.has(name.toLowerCase())
