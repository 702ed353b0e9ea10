// Scopes and the role → scope sets of ../shared/api.md.
export const SCOPES = [
  'query:run', 'query:read', 'connections:read', 'connections:write', 'semantic:read', 'semantic:write',
  'keys:manage', 'users:manage', 'audit:read', '*',
] as const
export type Scope = (typeof SCOPES)[number]

export const ROLES = ['admin', 'analyst', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_SCOPES: Record<Role, Scope[]> = {
  admin: ['*'],
  analyst: ['query:run', 'query:read', 'connections:read', 'semantic:read'],
  viewer: ['query:read', 'connections:read', 'semantic:read'],
}

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('*') || granted.includes(needed)
}
