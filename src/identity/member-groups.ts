// A user's groups as part of the one query that authenticates them (access
// token check, queued work): their names go on the principal (policies'
// applies_to.groups and bypass_groups) and their attributes into the user's
// effective attributes (effective-attributes.ts). A subquery, so every
// request still costs one round trip to the store.
import { sql, type SQL } from 'drizzle-orm'
import type { Attributes } from '../../semantic/access/types'
import { effectiveAttributes } from './effective-attributes'

export interface MemberGroup { name: string; attributes: Attributes }

/**
 * Selects `[{name, attributes}]` of the groups of the row's user (same
 * tenant), by name. Written out with qualified names: drizzle leaves columns
 * unqualified in a one-table select, which a correlated subquery cannot use.
 */
export const memberGroupsColumn = (): SQL<unknown> => sql.raw(`(
  SELECT coalesce(json_agg(json_build_object('name', g.display_name, 'attributes', g.attributes) ORDER BY lower(g.display_name)), '[]'::json)
  FROM group_members gm JOIN groups g ON g.id = gm.group_id
  WHERE gm.user_id = "users"."id" AND gm.tenant_id = "users"."tenant_id" AND g.tenant_id = "users"."tenant_id"
)`)

/** Selects `[{id, display_name}]` of the row's user's groups, for the user's view (GET /users). */
export const userGroupsColumn = (): SQL<unknown> => sql.raw(`(
  SELECT coalesce(json_agg(json_build_object('id', g.id, 'display_name', g.display_name) ORDER BY lower(g.display_name), g.id), '[]'::json)
  FROM group_members gm JOIN groups g ON g.id = gm.group_id
  WHERE gm.user_id = "users"."id" AND gm.tenant_id = "users"."tenant_id" AND g.tenant_id = "users"."tenant_id"
)`)

export interface UserGroupRef { id: string; display_name: string }

/** The view's groups from the column above. */
export function userGroupRefs(raw: unknown): UserGroupRef[] {
  return parse(raw) as unknown as UserGroupRef[]
}

/** Drivers hand json back parsed or as text. */
function parse(raw: unknown): MemberGroup[] {
  const v = typeof raw === 'string' ? JSON.parse(raw) as unknown : raw
  return Array.isArray(v) ? v as MemberGroup[] : []
}

/** What the principal carries: group names and the attributes policies read. */
export function groupsAndAttributes(own: unknown, rawGroups: unknown): { groups: string[]; attributes: Attributes } {
  const gs = parse(rawGroups)
  return { groups: gs.map((g) => g.name), attributes: effectiveAttributes((own ?? {}) as Attributes, gs.map((g) => g.attributes ?? {})) }
}
