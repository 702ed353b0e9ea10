// Users of a tenant: CRUD (tenant-scoped), roles, password changes.
// Nobody grants a role, or changes or deletes a user, beyond their own
// scopes: making an admin or resetting an admin's password needs `*`.
// Emails are unique within a tenant (the same person may belong to several).
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { sessions, tenants, users } from '../store/schema'
import { newId } from '../ids'
import { AppError, notFound } from '../errors'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords'
import { coversScopes, ROLE_SCOPES, type Actor, type Role } from './scopes'
import type { Principal } from './principal'
import type { Attributes } from '../../semantic/access/types'
import { assertMaySetAttributes } from './attributes'
import type { ApiKeyService } from './api-keys'
import type { OnCredentialsRevoked } from './revocation'
import { groupsAndAttributes, memberGroupsColumn, userGroupRefs, userGroupsColumn, type UserGroupRef } from './member-groups'

export type UserRow = typeof users.$inferSelect

export interface UserView {
  id: string
  email: string
  name: string | null
  role: Role
  scopes: string[]
  disabled: boolean
  /** What access policies read about the user (src/governance). */
  attributes: Attributes
  /** Groups the user is a member of (SCIM or /groups), by name. */
  groups: UserGroupRef[]
  created_at: string
  updated_at: string
}

/** The API's view of a user; `groups` comes from userGroupsColumn (a user just created has none). */
export function viewUser(u: UserRow, groups: unknown = []): UserView {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role as Role, scopes: ROLE_SCOPES[u.role as Role] ?? [], disabled: u.disabled, attributes: (u.attributes ?? {}) as Attributes,
    groups: userGroupRefs(groups), created_at: u.createdAt.toISOString(), updated_at: u.updatedAt.toISOString(),
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('validation_error', `password must be at least ${MIN_PASSWORD_LENGTH} characters`, [{ path: 'password', issue: 'too_short' }])
  }
}

const duplicateEmail = () => new AppError('conflict', 'a user with this email already exists', [{ path: 'email', issue: 'duplicate' }])
const isUniqueViolation = (err: unknown) =>
  (err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505'

/** 403 unless `actor` holds every scope of `role` (admin: `*`). */
export function assertMayHoldRole(actor: Actor, role: string, what: 'grant' | 'manage'): void {
  if (coversScopes(actor.scopes, ROLE_SCOPES[role as Role] ?? ['*'])) return
  const message = what === 'grant'
    ? `cannot grant the ${role} role: it holds scopes you do not hold`
    : `cannot change a user with the ${role} role: it holds scopes you do not hold`
  throw new AppError('forbidden', message, [{ path: what === 'grant' ? 'role' : 'id', issue: 'not_held', role }])
}

export interface UserServiceDeps {
  /** Revokes the keys a disabled or deleted user owns. */
  apiKeys?: Pick<ApiKeyService, 'revokeOwnedBy'>
  /** Told when a user (and the keys they own) lose their rights: cancels their queued work. */
  onRevoked?: OnCredentialsRevoked
}

export class UserService {
  constructor(private readonly db: Db, private readonly deps: UserServiceDeps = {}) {}

  async create(tenantId: string, input: { email: string; password: string; role: Role; name?: string | null }, actor: Actor): Promise<UserRow> {
    assertMayHoldRole(actor, input.role, 'grant')
    checkPassword(input.password)
    const email = input.email.trim().toLowerCase()
    if (await this.byEmail(tenantId, email)) throw duplicateEmail()
    try {
      const [row] = await this.db.insert(users).values({
        id: newId('usr'), tenantId, email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password),
      }).returning()
      return row
    } catch (err) {
      // A concurrent insert of the same email lost the race to the unique index.
      if (isUniqueViolation(err)) throw duplicateEmail()
      throw err
    }
  }

  /** The user of this tenant with this email (case-insensitive). */
  async byEmail(tenantId: string, email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users)
      .where(and(eq(users.tenantId, tenantId), sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)).limit(1)
    return row
  }

  /**
   * Login lookup. With `tenant` (its name or id): that tenant's user. Without:
   * the user only when exactly one tenant has this email; an email found in
   * several tenants resolves to nobody, so the answer (and the work done) is
   * the same as for an unknown email and says nothing about other tenants.
   */
  async forLogin(email: string, tenant?: string): Promise<UserRow | undefined> {
    const normalized = email.trim().toLowerCase()
    const rows = await this.db.select({ u: users }).from(users).innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(sql`lower(${users.email}) = ${normalized}`, tenant === undefined ? undefined : sql`(${tenants.id} = ${tenant} OR ${tenants.name} = ${tenant})`))
      .limit(2)
    return rows.length === 1 ? rows[0].u : undefined
  }

  /** How many accounts, across every tenant, have this email (case-insensitive): 0, 1 or 2 for "more than one". */
  async accountsWithEmail(email: string): Promise<number> {
    const rows = await this.db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`).limit(2)
    return rows.length
  }

  /** The user as they stand now (for queued work they submitted), or null when disabled or gone. */
  async principalById(tenantId: string, id: string): Promise<Principal | null> {
    const [row] = await this.db.select({ role: users.role, disabled: users.disabled, attributes: users.attributes, groups: memberGroupsColumn() }).from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    if (!row || row.disabled) return null
    return { tenantId, kind: 'user', id, role: row.role, scopes: ROLE_SCOPES[row.role as Role] ?? [], ...groupsAndAttributes(row.attributes, row.groups) }
  }

  async get(tenantId: string, id: string): Promise<UserRow> {
    const [row] = await this.db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    if (!row) throw notFound('user')
    return row
  }

  /** One user as the API shows it, with their groups (one statement). */
  async view(tenantId: string, id: string): Promise<UserView> {
    const [row] = await this.db.select({ u: users, groups: userGroupsColumn() }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    if (!row) throw notFound('user')
    return viewUser(row.u, row.groups)
  }

  async list(tenantId: string, opts: { limit: number; cursor?: string }): Promise<Page<UserView>> {
    const c = opts.cursor ? decodeCursor(opts.cursor) : undefined
    const rows = await this.db.select({ u: users, groups: userGroupsColumn() }).from(users)
      .where(and(eq(users.tenantId, tenantId), c ? sql`(${users.createdAt}, ${users.id}) < (${c.t}, ${c.id})` : undefined))
      .orderBy(desc(users.createdAt), desc(users.id)).limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const last = page[page.length - 1]?.u
    return { data: page.map((r) => viewUser(r.u, r.groups)), next_cursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  async update(tenantId: string, id: string, patch: { name?: string | null; role?: Role; disabled?: boolean; password?: string; attributes?: Attributes }, actor: Actor): Promise<UserRow> {
    const current = await this.get(tenantId, id)
    // Attributes decide which rows a user may read under access policies: only admins set them.
    if (patch.attributes !== undefined) assertMaySetAttributes(actor)
    assertMayHoldRole(actor, current.role, 'manage')
    if (patch.role) assertMayHoldRole(actor, patch.role, 'grant')
    if (patch.password !== undefined) checkPassword(patch.password)
    const demotes = (patch.role && patch.role !== 'admin') || patch.disabled
    if (current.role === 'admin' && demotes) await this.assertAnotherAdmin(tenantId, id)
    const [row] = await this.db.update(users).set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
      ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
      updatedAt: new Date(),
    }).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).returning()
    // A disabled user, a new password or a changed role ends every session.
    if (patch.disabled || patch.password !== undefined || (patch.role && patch.role !== current.role)) {
      await this.db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, id), sql`${sessions.revokedAt} IS NULL`))
    }
    // A disabled user's keys are revoked for good (re-enabling does not revive them).
    if (patch.disabled && !current.disabled) await this.revoked(tenantId, id, actor)
    return row
  }

  async delete(tenantId: string, id: string, actor: Actor): Promise<void> {
    const current = await this.get(tenantId, id)
    assertMayHoldRole(actor, current.role, 'manage')
    if (current.role === 'admin') await this.assertAnotherAdmin(tenantId, id)
    await this.db.delete(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    await this.revoked(tenantId, id, actor)
  }

  /** The user lost every right: revoke the keys they own and cancel their queued work. */
  private async revoked(tenantId: string, id: string, actor: Actor): Promise<void> {
    const keys = (await this.deps.apiKeys?.revokeOwnedBy(tenantId, id)) ?? []
    await this.deps.onRevoked?.({ tenantId, principalIds: [id, ...keys], cascadedKeyIds: keys, actorId: actor.id })
  }

  private async assertAnotherAdmin(tenantId: string, except: string): Promise<void> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.disabled, false), sql`${users.id} <> ${except}`))
    if (r.n === 0) throw new AppError('conflict', 'the tenant must keep at least one active admin user', [{ issue: 'last_admin' }])
  }
}
