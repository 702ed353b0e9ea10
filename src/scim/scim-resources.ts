// SCIM resource shapes (RFC 7643) and how Nexatron users and groups map onto
// them: userName = email, name.formatted/displayName = name, active = not
// disabled, one work email; a Group is a Nexatron group (src/identity/groups.ts),
// and a user's `groups` are the groups they are a member of.
import type { UserRow } from '../identity/users'
import type { GroupRow } from '../identity/groups'
import { ROLES, type Role } from '../identity/scopes'

export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  spc: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const

export const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v)

export interface ScimUser {
  schemas: string[]
  id: string
  externalId?: string
  userName: string
  name?: { formatted: string }
  displayName: string
  active: boolean
  emails: Array<{ value: string; type: 'work'; primary: true }>
  groups: Array<{ value: string; display: string; $ref: string }>
  meta: { resourceType: 'User'; created: string; lastModified: string; location: string }
}

export interface ScimGroup {
  schemas: string[]
  id: string
  externalId?: string
  displayName: string
  members?: Array<{ value: string; display: string; $ref: string }>
  meta: { resourceType: 'Group'; created: string; lastModified: string; location: string }
}

export interface ListResponse<T> { schemas: string[]; totalResults: number; startIndex: number; itemsPerPage: number; Resources: T[] }

export function userResource(u: UserRow, externalId: string | null, base: string, groups: Array<{ id: string; displayName: string }> = []): ScimUser {
  return {
    schemas: [SCHEMAS.user], id: u.id, ...(externalId ? { externalId } : {}), userName: u.email,
    ...(u.name ? { name: { formatted: u.name } } : {}), displayName: u.name ?? u.email, active: !u.disabled,
    emails: [{ value: u.email, type: 'work', primary: true }],
    groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}` })),
    meta: { resourceType: 'User', created: u.createdAt.toISOString(), lastModified: u.updatedAt.toISOString(), location: `${base}/Users/${u.id}` },
  }
}

export function groupResource(g: GroupRow, members: Array<{ id: string; email: string }> | null, base: string): ScimGroup {
  return {
    schemas: [SCHEMAS.group], id: g.id, ...(g.externalId ? { externalId: g.externalId } : {}), displayName: g.displayName,
    ...(members ? { members: members.map((m) => ({ value: m.id, display: m.email, $ref: `${base}/Users/${m.id}` })) } : {}),
    meta: { resourceType: 'Group', created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${base}/Groups/${g.id}` },
  }
}

export function listResponse<T>(resources: T[], total: number, startIndex: number): ListResponse<T> {
  return { schemas: [SCHEMAS.list], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources }
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SCHEMAS.spc],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'The tenant SCIM token from POST /api/v1/scim-token', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  }
}

export function resourceTypes(base: string) {
  const rt = (id: 'User' | 'Group', endpoint: string, schema: string) => ({
    schemas: [SCHEMAS.resourceType], id, name: id, endpoint, schema, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${id}` },
  })
  return [rt('User', '/Users', SCHEMAS.user), rt('Group', '/Groups', SCHEMAS.group)]
}

/** Page size limits for list requests (RFC 7644 §3.4.2.4). */
export const DEFAULT_COUNT = 100
export const MAX_COUNT = 200
