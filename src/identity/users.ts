// Users of a tenant: CRUD (tenant-scoped), roles, password changes.
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { sessions, users } from '../store/schema'
import { newId } from '../ids'
import { AppError, notFound } from '../http/errors'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords'
import { ROLE_SCOPES, type Role } from './scopes'

export type UserRow = typeof users.$inferSelect

export interface UserView {
  id: string
  email: string
  name: string | null
  role: Role
  scopes: string[]
  disabled: boolean
  created_at: string
  updated_at: string
}

export function viewUser(u: UserRow): UserView {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role as Role, scopes: ROLE_SCOPES[u.role as Role] ?? [], disabled: u.disabled,
    created_at: u.createdAt.toISOString(), updated_at: u.updatedAt.toISOString(),
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('validation_error', `password must be at least ${MIN_PASSWORD_LENGTH} characters`, [{ path: 'password', issue: 'too_short' }])
  }
}

export class UserService {
  constructor(private readonly db: Db) {}

  async create(tenantId: string, input: { email: string; password: string; role: Role; name?: string | null }): Promise<UserRow> {
    checkPassword(input.password)
    const email = input.email.trim().toLowerCase()
    if (await this.byEmail(email)) throw new AppError('conflict', 'a user with this email already exists', [{ path: 'email', issue: 'duplicate' }])
    const [row] = await this.db.insert(users).values({
      id: newId('usr'), tenantId, email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password),
    }).returning()
    return row
  }

  /** Login lookup: emails are unique across tenants. */
  async byEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`).limit(1)
    return row
  }

  async get(tenantId: string, id: string): Promise<UserRow> {
    const [row] = await this.db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    if (!row) throw notFound('user')
    return row
  }

  async list(tenantId: string, opts: { limit: number; cursor?: string }): Promise<Page<UserView>> {
    const c = opts.cursor ? decodeCursor(opts.cursor) : undefined
    const rows = await this.db.select().from(users)
      .where(and(eq(users.tenantId, tenantId), c ? sql`(${users.createdAt}, ${users.id}) < (${c.t}, ${c.id})` : undefined))
      .orderBy(desc(users.createdAt), desc(users.id)).limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const last = page[page.length - 1]
    return { data: page.map(viewUser), next_cursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  async update(tenantId: string, id: string, patch: { name?: string | null; role?: Role; disabled?: boolean; password?: string }): Promise<UserRow> {
    const current = await this.get(tenantId, id)
    if (patch.password !== undefined) checkPassword(patch.password)
    const demotes = (patch.role && patch.role !== 'admin') || patch.disabled
    if (current.role === 'admin' && demotes) await this.assertAnotherAdmin(tenantId, id)
    const [row] = await this.db.update(users).set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
      updatedAt: new Date(),
    }).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).returning()
    // A disabled user, a new password or a changed role ends every session.
    if (patch.disabled || patch.password !== undefined || (patch.role && patch.role !== current.role)) {
      await this.db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, id), sql`${sessions.revokedAt} IS NULL`))
    }
    return row
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const current = await this.get(tenantId, id)
    if (current.role === 'admin') await this.assertAnotherAdmin(tenantId, id)
    await this.db.delete(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
  }

  private async assertAnotherAdmin(tenantId: string, except: string): Promise<void> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.disabled, false), sql`${users.id} <> ${except}`))
    if (r.n === 0) throw new AppError('conflict', 'the tenant must keep at least one active admin user', [{ issue: 'last_admin' }])
  }
}
