// Scopes and the role → scope sets of the API (README.md, "People, keys and tenants").
export const SCOPES = [
  'query:run', 'query:read', 'connections:read', 'connections:write', 'semantic:read', 'semantic:write',
  'keys:manage', 'users:manage', 'audit:read', 'billing:read', 'analytics:read', '*',
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

/** Whether `granted` holds every scope of `needed` (`*` is held only by `*`). */
export function coversScopes(granted: readonly string[], needed: readonly string[]): boolean {
  if (granted.includes('*')) return true
  return needed.every((s) => s !== '*' && granted.includes(s))
}

/** The scopes held by both sets: a delegated credential never exceeds its owner. */
export function intersectScopes(a: readonly string[], b: readonly string[]): string[] {
  if (a.includes('*')) return [...b]
  if (b.includes('*')) return [...a]
  return a.filter((s) => b.includes(s))
}

/** Whoever changes identity data: their current scopes bound what they may grant or touch. */
export interface Actor {
  /** usr_..., key_..., scim_..., or null for the operator (CLI, bootstrap). */
  id: string | null
  scopes: readonly string[]
}

/** The operator at the console (CLI, first-start bootstrap): holds every scope. */
export const OPERATOR: Actor = { id: null, scopes: ['*'] }
