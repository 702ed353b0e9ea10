// Groups of a tenant's users (issues #17, #18): pushed by an identity
// provider through SCIM or made by admins (/api/v1/groups). A group does two
// things:
// - Roles. Membership of a group that NEXATRON_SCIM_ROLE_GROUPS maps to a
//   role decides the member's role: the highest role among their mapped
//   groups (role-groups.ts). Roles are recomputed for exactly the users a
//   change touches in a mapped group (joining or leaving it, or the group
//   being renamed into or out of the mapping, or deleted); one who is left in
//   no mapped group falls back to the default role (NEXATRON_SCIM_DEFAULT_ROLE).
//   Users no mapped group ever touched keep the role an admin gave them.
//   Role changes go through UserService, so its rules hold: nobody grants a
//   role beyond their own scopes, the last active admin stays, and a changed
//   role ends the user's sessions. Each change runs in one transaction: a
//   refused role change leaves the membership as it was.
// - Attributes. A group's attributes add to its members' (effective-attributes.ts).
//   Attributes decide which rows policies let through, so setting them, and
//   renaming, deleting or changing the members of a group that carries them,
//   needs `*` (as setting a user's attributes does).
// - Policies. A group an access policy names (applies_to.groups: a mask or
//   hidden members for its members; bypass_groups: a way past a policy)
//   decides rows as much as attributes do, so changing its members, renaming
//   it (out of or into such a name), deleting it, or creating it with members
//   needs `*` too. The names come from the tenant's policies (policyGroups).
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { groupMembers, groups, users } from '../store/schema'
import { newId } from '../ids'
import { AppError, notFound } from '../errors'
import type { Page } from '../store/pagination'
import type { Attributes } from '../../semantic/access/types'
import { assertMaySetAttributes } from './attributes'
import type { Actor, Role } from './scopes'
import type { UserService } from './users'
import { isMappedGroup, roleFromGroups, type RoleGroupMap } from './role-groups'

export type GroupRow = typeof groups.$inferSelect

export interface GroupMember { id: string; email: string; name: string | null }

export interface GroupView {
  id: string
  display_name: string
  external_id: string | null
  attributes: Attributes
  member_count: number
  created_at: string
  updated_at: string
}

export function viewGroup(g: GroupRow, memberCount: number): GroupView {
  return {
    id: g.id, display_name: g.displayName, external_id: g.externalId, attributes: (g.attributes ?? {}) as Attributes, member_count: memberCount,
    created_at: g.createdAt.toISOString(), updated_at: g.updatedAt.toISOString(),
  }
}

/** Exact-match lookups (SCIM filters, the admin list); names compare case-insensitively. */
export interface GroupLookup { id?: string; displayName?: string; externalId?: string; /** Only groups this user is in (Entra's `members.value eq`). */ memberId?: string }

/** A membership change: `replace` sets the whole membership; else `remove` (null: everyone) then `add`. */
export interface MembershipChange { add?: string[]; remove?: string[] | null; replace?: string[] }

const RANK: Record<Role, number> = { admin: 3, analyst: 2, viewer: 1 }
const MAX_NAME = 200

const isUniqueViolation = (err: unknown) =>
  (err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505'

function checkName(name: string): string {
  const n = name.trim()
  if (!n || n.length > MAX_NAME) throw new AppError('validation_error', `display_name must be 1 to ${MAX_NAME} characters`, [{ path: 'display_name', issue: 'invalid' }])
  return n
}

const hasAttributes = (g: GroupRow) => Object.keys(g.attributes ?? {}).length > 0

function decodeNameCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof name !== 'string' || name.length > MAX_NAME || typeof id !== 'string' || !/^grp_[A-Za-z0-9]{1,64}$/.test(id)) throw new Error('bad')
    return { name, id }
  } catch {
    throw new AppError('validation_error', 'cursor is not valid', [{ path: 'cursor', issue: 'invalid' }])
  }
}

export class GroupService {
  constructor(
    private readonly db: Db,
    private readonly users: UserService,
    private readonly opts: {
      roleGroups: RoleGroupMap
      defaultRole: Role
      /** Lower-cased names of the groups the tenant's access policies name (applies_to.groups, bypass_groups). */
      policyGroups?: (tenantId: string) => Promise<ReadonlySet<string>>
    },
  ) {}

  /** 403 unless `actor` is an admin, when one of `names` is a group an access policy names. */
  private async assertMayChangePolicyGroup(tenantId: string, names: string[], actor: Actor, path: string): Promise<void> {
    if (actor.scopes.includes('*') || !this.opts.policyGroups) return
    const named = await this.opts.policyGroups(tenantId)
    const hit = names.find((n) => named.has(n.toLowerCase()))
    if (hit === undefined) return
    throw new AppError('forbidden', `the group "${hit.slice(0, MAX_NAME)}" is named in an access policy: only admins may change who is in it, rename or delete it`,
      [{ path, issue: 'governing_group', scope: '*' }])
  }

  private where(tenantId: string, q: GroupLookup): SQL | undefined {
    return and(
      eq(groups.tenantId, tenantId),
      q.id !== undefined ? eq(groups.id, q.id) : undefined,
      q.displayName !== undefined ? sql`lower(${groups.displayName}) = ${q.displayName.trim().toLowerCase()}` : undefined,
      q.externalId !== undefined ? eq(groups.externalId, q.externalId) : undefined,
      q.memberId !== undefined ? sql`EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = "groups"."id" AND gm.tenant_id = ${tenantId} AND gm.user_id = ${q.memberId})` : undefined,
    )
  }

  /** A page of groups (by name), with how many match in all. */
  async list(tenantId: string, q: GroupLookup & { offset: number; limit: number }): Promise<{ rows: GroupRow[]; total: number }> {
    const where = this.where(tenantId, q)
    const [{ n }] = await this.db.select({ n: sql<number>`count(*)::int` }).from(groups).where(where)
    const rows = q.limit === 0 ? [] : await this.db.select().from(groups).where(where)
      .orderBy(sql`lower(${groups.displayName})`, asc(groups.id)).limit(q.limit).offset(q.offset)
    return { rows, total: n }
  }

  /** The admin API's listing: by name, keyset-paginated on (lower(name), id) so pages hold while groups arrive. */
  async page(tenantId: string, opts: { limit: number; cursor?: string; displayName?: string }): Promise<Page<GroupView>> {
    const after = opts.cursor ? decodeNameCursor(opts.cursor) : undefined
    const rows = await this.db.select().from(groups)
      .where(and(this.where(tenantId, { displayName: opts.displayName }), after ? sql`(lower(${groups.displayName}), ${groups.id}) > (${after.name}, ${after.id})` : undefined))
      .orderBy(sql`lower(${groups.displayName})`, asc(groups.id)).limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const counts = await this.memberCounts(tenantId, page.map((g) => g.id))
    const last = page[page.length - 1]
    return {
      data: page.map((g) => viewGroup(g, counts.get(g.id) ?? 0)),
      next_cursor: rows.length > opts.limit && last ? Buffer.from(JSON.stringify([last.displayName.toLowerCase(), last.id])).toString('base64url') : null,
    }
  }

  async get(tenantId: string, id: string): Promise<GroupRow> {
    const [row] = await this.db.select().from(groups).where(and(eq(groups.tenantId, tenantId), eq(groups.id, id))).limit(1)
    if (!row) throw notFound('group')
    return row
  }

  async members(tenantId: string, groupId: string): Promise<GroupMember[]> {
    return this.db.select({ id: users.id, email: users.email, name: users.name }).from(groupMembers)
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(and(eq(groupMembers.tenantId, tenantId), eq(groupMembers.groupId, groupId), eq(users.tenantId, tenantId)))
      .orderBy(asc(users.email), asc(users.id))
  }

  /** The members of several groups in one query (SCIM lists groups with their members). */
  async membersOf(tenantId: string, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    const out = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]))
    if (!groupIds.length) return out
    const rows = await this.db.select({ groupId: groupMembers.groupId, id: users.id, email: users.email, name: users.name }).from(groupMembers)
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(and(eq(groupMembers.tenantId, tenantId), inArray(groupMembers.groupId, groupIds), eq(users.tenantId, tenantId)))
      .orderBy(asc(users.email), asc(users.id))
    for (const r of rows) out.get(r.groupId)?.push({ id: r.id, email: r.email, name: r.name })
    return out
  }

  /** Members per group, for listings. */
  async memberCounts(tenantId: string, groupIds: string[]): Promise<Map<string, number>> {
    if (!groupIds.length) return new Map()
    const rows = await this.db.select({ id: groupMembers.groupId, n: sql<number>`count(*)::int` }).from(groupMembers)
      .where(and(eq(groupMembers.tenantId, tenantId), inArray(groupMembers.groupId, groupIds))).groupBy(groupMembers.groupId)
    return new Map(rows.map((r) => [r.id, r.n]))
  }

  /** The groups of each user (by name), for SCIM User resources and the users listing. */
  async groupsOf(tenantId: string, userIds: string[]): Promise<Map<string, Array<{ id: string; displayName: string }>>> {
    const out = new Map<string, Array<{ id: string; displayName: string }>>()
    if (!userIds.length) return out
    const rows = await this.db.select({ userId: groupMembers.userId, id: groups.id, displayName: groups.displayName }).from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(and(eq(groupMembers.tenantId, tenantId), eq(groups.tenantId, tenantId), inArray(groupMembers.userId, userIds)))
      .orderBy(sql`lower(${groups.displayName})`)
    for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), { id: r.id, displayName: r.displayName }])
    return out
  }

  async create(tenantId: string, input: { displayName: string; externalId?: string | null; attributes?: Attributes; members?: string[] }, actor: Actor): Promise<GroupRow> {
    const displayName = checkName(input.displayName)
    if (input.attributes && Object.keys(input.attributes).length) assertMaySetAttributes(actor)
    if (input.members?.length) await this.assertMayChangePolicyGroup(tenantId, [displayName], actor, 'members')
    await this.assertFree(tenantId, { displayName, externalId: input.externalId ?? undefined }, null)
    return this.db.transaction(async () => {
      let row: GroupRow
      try {
        [row] = await this.db.insert(groups).values({
          id: newId('grp'), tenantId, displayName, externalId: input.externalId ?? null, attributes: input.attributes ?? {},
        }).returning()
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'a group with this name or external id already exists', [{ path: 'display_name', issue: 'duplicate' }])
        throw err
      }
      if (input.members?.length) await this.applyMembers(tenantId, row, { replace: input.members }, actor)
      return row
    })
  }

  async update(tenantId: string, id: string, patch: { displayName?: string; externalId?: string | null; attributes?: Attributes }, actor: Actor): Promise<GroupRow> {
    const current = await this.get(tenantId, id)
    const displayName = patch.displayName === undefined ? undefined : checkName(patch.displayName)
    if (patch.attributes !== undefined) assertMaySetAttributes(actor)
    const renamed = displayName !== undefined && displayName !== current.displayName
    if (renamed && hasAttributes(current)) assertMaySetAttributes(actor)
    if (renamed) await this.assertMayChangePolicyGroup(tenantId, [current.displayName, displayName], actor, 'display_name')
    await this.assertFree(tenantId, { displayName: renamed ? displayName : undefined, externalId: patch.externalId ?? undefined }, id)
    return this.db.transaction(async () => {
      let row: GroupRow
      try {
        [row] = await this.db.update(groups).set({
          ...(renamed ? { displayName } : {}),
          ...(patch.externalId !== undefined ? { externalId: patch.externalId } : {}),
          ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
          updatedAt: new Date(),
        }).where(and(eq(groups.tenantId, tenantId), eq(groups.id, id))).returning()
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'a group with this name or external id already exists', [{ path: 'display_name', issue: 'duplicate' }])
        throw err
      }
      // A rename into or out of the role mapping changes what the members hold.
      if (renamed && (isMappedGroup(current.displayName, this.opts.roleGroups) || isMappedGroup(displayName, this.opts.roleGroups))) {
        await this.syncRoles(tenantId, (await this.members(tenantId, id)).map((m) => m.id), actor)
      }
      return row
    })
  }

  async delete(tenantId: string, id: string, actor: Actor): Promise<void> {
    const current = await this.get(tenantId, id)
    if (hasAttributes(current)) assertMaySetAttributes(actor)
    await this.assertMayChangePolicyGroup(tenantId, [current.displayName], actor, 'id')
    await this.db.transaction(async () => {
      const former = (await this.members(tenantId, id)).map((m) => m.id)
      await this.db.delete(groups).where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)))
      if (isMappedGroup(current.displayName, this.opts.roleGroups)) await this.syncRoles(tenantId, former, actor)
    })
  }

  /** Changes the membership (one transaction: a refused role change undoes it). */
  async changeMembers(tenantId: string, id: string, change: MembershipChange, actor: Actor): Promise<void> {
    const group = await this.get(tenantId, id)
    await this.db.transaction(() => this.applyMembers(tenantId, group, change, actor))
  }

  private async applyMembers(tenantId: string, group: GroupRow, change: MembershipChange, actor: Actor): Promise<void> {
    const current = new Set((await this.members(tenantId, group.id)).map((m) => m.id))
    const target = change.replace !== undefined ? new Set(change.replace) : change.remove === null ? new Set<string>() : new Set(current)
    if (change.replace === undefined) {
      for (const r of change.remove ?? []) target.delete(r)
      for (const a of change.add ?? []) target.add(a)
    }
    const join = [...target].filter((u) => !current.has(u))
    const leave = [...current].filter((u) => !target.has(u))
    if (!join.length && !leave.length) return
    if (hasAttributes(group)) assertMaySetAttributes(actor)
    await this.assertMayChangePolicyGroup(tenantId, [group.displayName], actor, 'members')
    if (join.length) {
      // Only this tenant's users: another tenant's id is as unknown as a made-up one.
      const found = await this.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, join)))
      const ok = new Set(found.map((f) => f.id))
      const missing = join.find((u) => !ok.has(u))
      if (missing) throw new AppError('validation_error', `member ${missing.slice(0, 64)} is not a user of this tenant`, [{ path: 'members', issue: 'not_found', value: missing.slice(0, 64) }])
      await this.db.insert(groupMembers).values(join.map((userId) => ({ tenantId, groupId: group.id, userId }))).onConflictDoNothing()
    }
    if (leave.length) {
      await this.db.delete(groupMembers).where(and(eq(groupMembers.tenantId, tenantId), eq(groupMembers.groupId, group.id), inArray(groupMembers.userId, leave)))
    }
    if (isMappedGroup(group.displayName, this.opts.roleGroups)) await this.syncRoles(tenantId, [...join, ...leave], actor)
  }

  /**
   * Sets each user's role to what their mapped groups grant now (the default
   * role when none). Promotions run before demotions, so handing the admin
   * role from one user to another in one change keeps an admin throughout.
   */
  private async syncRoles(tenantId: string, userIds: string[], actor: Actor): Promise<void> {
    if (!userIds.length) return
    const rows = await this.db.select({ id: users.id, role: users.role }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, userIds)))
    const names = await this.groupsOf(tenantId, userIds)
    const changes = rows.map((u) => ({
      id: u.id, from: u.role as Role,
      to: roleFromGroups((names.get(u.id) ?? []).map((g) => g.displayName), this.opts.roleGroups) ?? this.opts.defaultRole,
    })).filter((c) => c.from !== c.to)
    changes.sort((a, b) => (RANK[b.to] - RANK[b.from]) - (RANK[a.to] - RANK[a.from]))
    for (const c of changes) await this.users.update(tenantId, c.id, { role: c.to }, actor)
  }

  private async assertFree(tenantId: string, q: { displayName?: string; externalId?: string }, self: string | null): Promise<void> {
    if (q.displayName !== undefined) {
      const [r] = await this.db.select({ id: groups.id }).from(groups).where(this.where(tenantId, { displayName: q.displayName })).limit(1)
      if (r && r.id !== self) throw new AppError('conflict', `a group named "${q.displayName}" already exists`, [{ path: 'display_name', issue: 'duplicate' }])
    }
    if (q.externalId !== undefined) {
      const [r] = await this.db.select({ id: groups.id }).from(groups).where(this.where(tenantId, { externalId: q.externalId })).limit(1)
      if (r && r.id !== self) throw new AppError('conflict', 'another group has this external id', [{ path: 'external_id', issue: 'duplicate' }])
    }
  }
}
