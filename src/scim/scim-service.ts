// SCIM provisioning onto Nexatron users and groups, one tenant at a time.
// Every change to a user goes through UserService, so its rules hold here
// too (emails unique in the tenant, the last active admin cannot be disabled,
// demoted or deleted, a disabled user or a changed role ends the user's
// sessions, and nobody grants a role or changes a user beyond their own
// scopes: the SCIM token acts with its creator's scopes, see scim-tokens.ts).
// Users made here get an unguessable random password: they sign in once an
// admin sets a password (PATCH /api/v1/users/{id}) or through SSO.
// Groups are GroupService's (src/identity/groups.ts): it keeps the same rules
// when membership of a role-mapped group changes a user's role.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { scimUsers, users } from '../store/schema'
import { randomBase62 } from '../ids'
import { assertMayHoldRole, type UserRow, type UserService } from '../identity/users'
import type { Actor, Role } from '../identity/scopes'
import { AppError } from '../errors'
import type { BillingService } from '../billing/billing-service'
import { ScimError } from './scim-error'
import { parseFilter, type Comparison } from './scim-filter'
import { checkGroupName, groupPatch, patchOps, userPatchDraft } from './scim-patch'
import { checkText, obj, userDraft, type UserDraft } from './scim-input'
import type { GroupLookup, GroupRow, GroupService } from '../identity/groups'
import { attributesFromPatch, attributesFromResource, mergeAttributes, type ScimAttributeMap } from './scim-attribute-map'
import type { AttributeValue, Attributes } from '../../semantic/access'

type AttributeChanges = Record<string, AttributeValue | null>
import { DEFAULT_COUNT, groupResource, listResponse, MAX_COUNT, userResource, type ListResponse, type ScimGroup, type ScimUser } from './scim-resources'

export interface Paging { startIndex?: number; count?: number }

const userNotFound = (id: string) => new ScimError(404, `User ${id} not found`)
const groupNotFound = (id: string) => new ScimError(404, `Group ${id} not found`)

/** RFC 7644 §3.4.2.4: startIndex below 1 means 1, a negative count means 0. */
function paging(p: Paging): { start: number; count: number } {
  const start = Math.max(1, Math.floor(p.startIndex ?? 1))
  const count = Math.min(MAX_COUNT, Math.max(0, Math.floor(p.count ?? DEFAULT_COUNT)))
  return { start, count }
}

const lowerText = (e: SQL) => sql`lower(${e})`

function userCondition(c: Comparison): SQL {
  const attr = c.attr.toLowerCase()
  const column: Record<string, SQL> = {
    username: lowerText(sql`${users.email}`), 'emails.value': lowerText(sql`${users.email}`), emails: lowerText(sql`${users.email}`),
    id: sql`${users.id}`, externalid: sql`${scimUsers.externalId}`,
    displayname: lowerText(sql`${users.name}`), 'name.formatted': lowerText(sql`${users.name}`),
  }
  if (attr === 'active') {
    if (c.op === 'pr') return sql`true`
    if (typeof c.value !== 'boolean' || (c.op !== 'eq' && c.op !== 'ne')) throw new ScimError(400, 'active supports eq / ne with true or false', 'invalidFilter')
    return c.op === 'eq' ? sql`${users.disabled} = ${!c.value}` : sql`${users.disabled} = ${c.value}`
  }
  const col = column[attr]
  if (!col) throw new ScimError(400, `filtering on ${c.attr} is not supported (userName, emails.value, externalId, id, displayName, active)`, 'invalidFilter')
  if (c.op === 'pr') return sql`${col} IS NOT NULL`
  if (typeof c.value !== 'string') throw new ScimError(400, `${c.attr} is compared with a string`, 'invalidFilter')
  // ids and externalId are case-exact; names and emails are not (RFC 7643 caseExact).
  const v = attr === 'id' || attr === 'externalid' ? c.value : c.value.toLowerCase()
  switch (c.op) {
    case 'eq': return sql`${col} = ${v}`
    case 'ne': return sql`(${col} IS NULL OR ${col} <> ${v})`
    case 'co': return sql`strpos(${col}, ${v}) > 0`
    case 'sw': return sql`left(${col}, ${v.length}) = ${v}`
    case 'ew': return sql`right(${col}, ${v.length}) = ${v}`
    default: throw new ScimError(400, `the ${c.op} operator is not supported on ${c.attr}`, 'invalidFilter')
  }
}

export class ScimService {
  /** The plan's seats: an active user created or reactivated here takes one. */
  private seats?: Pick<BillingService, 'assertCapacity'>

  /** Enforces the plan's seats (wired in the container; without it, no limit). */
  withSeats(seats: Pick<BillingService, 'assertCapacity'>): this {
    this.seats = seats
    return this
  }

  /** Refuses (403, SCIM's error shape) an active user the plan has no seat for. */
  private async takeSeat(tenantId: string): Promise<void> {
    try {
      await this.seats?.assertCapacity(tenantId, 'seats')
    } catch (err) {
      if (err instanceof AppError && err.code === 'plan_limit_reached') throw new ScimError(403, err.message)
      throw err
    }
  }

  constructor(private readonly db: Db, private readonly users: UserService, private readonly defaultRole: Role = 'viewer') {}

  /** SCIM attributes mapped onto user attributes (NEXATRON_SCIM_ATTRIBUTES). */
  private attributeMap: ScimAttributeMap = []

  /** Sets the attribute mapping (at wiring time); returns the service. */
  withAttributeMap(map: ScimAttributeMap): this {
    this.attributeMap = map
    return this
  }

  // ---- Users -------------------------------------------------------------

  async listUsers(tenantId: string, q: Paging & { filter?: string }, base: string): Promise<ListResponse<ScimUser>> {
    const { start, count } = paging(q)
    const where = and(eq(users.tenantId, tenantId), ...(q.filter ? parseFilter(q.filter).map(userCondition) : []))
    const [{ n }] = await this.db.select({ n: sql<number>`count(*)::int` }).from(users)
      .leftJoin(scimUsers, eq(scimUsers.userId, users.id)).where(where)
    const rows = count === 0 ? [] : await this.db.select({ u: users, externalId: scimUsers.externalId }).from(users)
      .leftJoin(scimUsers, eq(scimUsers.userId, users.id)).where(where)
      .orderBy(asc(users.createdAt), asc(users.id)).limit(count).offset(start - 1)
    const memberOf = await this.groups?.groupsOf(tenantId, rows.map((r) => r.u.id)) ?? new Map()
    return listResponse(rows.map((r) => userResource(r.u, r.externalId, base, memberOf.get(r.u.id))), n, start)
  }

  async getUser(tenantId: string, id: string, base: string): Promise<ScimUser> {
    const { user, externalId } = await this.load(tenantId, id)
    const memberOf = await this.groups?.groupsOf(tenantId, [id]) ?? new Map()
    return userResource(user, externalId, base, memberOf.get(id))
  }

  async createUser(tenantId: string, body: unknown, base: string, actor: Actor): Promise<ScimUser> {
    const d = userDraft(body)
    const attrs = attributesFromResource(body, this.attributeMap)
    if (d.externalId) await this.assertExternalIdFree(tenantId, d.externalId, null)
    if (!d.disabled) await this.takeSeat(tenantId)
    const initial = mergeAttributes({}, attrs)
    if (initial) this.assertMaySetAttributes(actor)
    let user = await this.users.create(tenantId, { email: d.email, password: randomBase62(48), role: this.defaultRole, name: d.name }, actor)
    try {
      if (d.disabled) user = await this.users.update(tenantId, user.id, { disabled: true }, actor)
      if (initial) user = await this.users.update(tenantId, user.id, { attributes: initial }, actor)
      if (d.externalId) await this.setExternalId(tenantId, user.id, d.externalId)
    } catch (err) {
      // All or nothing: a half-made user would block the client's retry with a 409.
      await this.db.delete(users).where(and(eq(users.tenantId, tenantId), eq(users.id, user.id)))
      throw err
    }
    return userResource(user, d.externalId ?? null, base)
  }

  async replaceUser(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimUser> {
    await this.load(tenantId, id)
    return this.apply(tenantId, id, userDraft(body), base, actor, attributesFromResource(body, this.attributeMap))
  }

  async patchUser(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimUser> {
    await this.load(tenantId, id)
    const ops = patchOps(body)
    // In order: a later operation on the same attribute wins.
    const attrs: AttributeChanges = {}
    for (const op of ops) Object.assign(attrs, attributesFromPatch(op.path, op.value, op.op === 'remove', this.attributeMap))
    return this.apply(tenantId, id, userPatchDraft(ops), base, actor, attrs)
  }

  async deleteUser(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.load(tenantId, id)
    await this.users.delete(tenantId, id, actor)
  }

  private async apply(tenantId: string, id: string, d: UserDraft, base: string, actor: Actor, attrs: AttributeChanges = {}): Promise<ScimUser> {
    const before = await this.load(tenantId, id)
    // Checked before anything changes: the userName (login email) and externalId
    // of a user beyond the token's scopes are as off limits as its password.
    assertMayHoldRole(actor, before.user.role, 'manage')
    if (d.externalId) await this.assertExternalIdFree(tenantId, d.externalId, id)
    const attributes = mergeAttributes((before.user.attributes ?? {}) as Attributes, attrs)
    if (attributes) this.assertMaySetAttributes(actor)
    if (d.email !== undefined && d.email !== before.user.email.toLowerCase()) await this.changeEmail(tenantId, id, d.email)
    const patch: { name?: string | null; disabled?: boolean; attributes?: Attributes } = {}
    if (attributes) patch.attributes = attributes
    if (d.name !== undefined && d.name !== before.user.name) patch.name = d.name
    if (d.disabled !== undefined && d.disabled !== before.user.disabled) patch.disabled = d.disabled
    // Reactivation takes a seat again (checked before anything changes).
    if (patch.disabled === false) await this.takeSeat(tenantId)
    if (Object.keys(patch).length) await this.users.update(tenantId, id, patch, actor)
    if (d.externalId !== undefined && d.externalId !== before.externalId) await this.setExternalId(tenantId, id, d.externalId)
    return this.getUser(tenantId, id, base)
  }

  /** Attributes decide which rows policies let through: only a token made by an admin (`*`) may provision them. */
  private assertMaySetAttributes(actor: Actor): void {
    if (!actor.scopes.includes('*')) throw new ScimError(403, 'mapped attributes (NEXATRON_SCIM_ATTRIBUTES) may only be set by a SCIM token an admin created')
  }

  private async load(tenantId: string, id: string): Promise<{ user: UserRow; externalId: string | null }> {
    const [r] = await this.db.select({ u: users, externalId: scimUsers.externalId }).from(users)
      .leftJoin(scimUsers, eq(scimUsers.userId, users.id))
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    if (!r) throw userNotFound(id)
    return { user: r.u, externalId: r.externalId }
  }

  private async assertExternalIdFree(tenantId: string, externalId: string, self: string | null): Promise<void> {
    const [r] = await this.db.select({ userId: scimUsers.userId }).from(scimUsers)
      .where(and(eq(scimUsers.tenantId, tenantId), eq(scimUsers.externalId, externalId))).limit(1)
    if (r && r.userId !== self) throw new ScimError(409, 'another user has this externalId', 'uniqueness')
  }

  private async setExternalId(tenantId: string, userId: string, externalId: string | null): Promise<void> {
    await this.db.insert(scimUsers).values({ userId, tenantId, externalId })
      .onConflictDoUpdate({ target: scimUsers.userId, set: { externalId } })
  }

  /** userName is the login email: unique within the tenant, like UserService.create checks. */
  private async changeEmail(tenantId: string, id: string, email: string): Promise<void> {
    const other = await this.users.byEmail(tenantId, email)
    if (other && other.id !== id) throw new ScimError(409, 'a user with this userName already exists', 'uniqueness')
    try {
      await this.db.update(users).set({ email, updatedAt: new Date() }).where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    } catch (err) {
      // A concurrent insert of the same email lost the race to the unique index.
      if ((err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505') {
        throw new ScimError(409, 'a user with this userName already exists', 'uniqueness')
      }
      throw err
    }
  }

  // ---- Groups (src/identity/groups.ts) ---------------------------------------

  /** Groups are Nexatron groups; membership of a mapped one decides roles (NEXATRON_SCIM_ROLE_GROUPS). */
  private groups?: GroupService

  /** Serves /Groups from the group service (wired in the container). */
  withGroups(groups: GroupService): this {
    this.groups = groups
    return this
  }

  private groupService(): GroupService {
    if (!this.groups) throw new ScimError(501, 'groups are not available on this server')
    return this.groups
  }

  /** The group, or SCIM's 404 (another tenant's group is as missing as a made-up id). */
  private async loadGroup(tenantId: string, id: string): Promise<GroupRow> {
    try {
      return await this.groupService().get(tenantId, id)
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw groupNotFound(id)
      throw err
    }
  }

  private async groupOut(tenantId: string, g: GroupRow, withMembers: boolean, base: string): Promise<ScimGroup> {
    return groupResource(g, withMembers ? await this.groupService().members(tenantId, g.id) : null, base)
  }

  async listGroups(tenantId: string, q: Paging & { filter?: string; withMembers: boolean }, base: string): Promise<ListResponse<ScimGroup>> {
    const { start, count } = paging(q)
    const lookup: GroupLookup = {}
    for (const c of q.filter ? parseFilter(q.filter) : []) {
      const attr = c.attr.toLowerCase()
      if ((attr !== 'displayname' && attr !== 'id' && attr !== 'externalid' && attr !== 'members.value') || c.op !== 'eq' || typeof c.value !== 'string') {
        throw new ScimError(400, 'groups can be filtered by displayName eq, externalId eq, id eq or members.value eq', 'invalidFilter')
      }
      if (attr === 'displayname') lookup.displayName = c.value
      else if (attr === 'externalid') lookup.externalId = c.value
      // Entra checks one membership with `id eq "grp_..." and members.value eq "usr_..."`.
      else if (attr === 'members.value') lookup.memberId = c.value
      else lookup.id = c.value
    }
    const { rows, total } = await this.groupService().list(tenantId, { ...lookup, offset: start - 1, limit: count })
    const members = q.withMembers ? await this.groupService().membersOf(tenantId, rows.map((g) => g.id)) : null
    return listResponse(rows.map((g) => groupResource(g, members?.get(g.id) ?? null, base)), total, start)
  }

  async getGroup(tenantId: string, id: string, withMembers: boolean, base: string): Promise<ScimGroup> {
    return this.groupOut(tenantId, await this.loadGroup(tenantId, id), withMembers, base)
  }

  async createGroup(tenantId: string, body: unknown, base: string, actor: Actor): Promise<ScimGroup> {
    if (!obj(body)) throw new ScimError(400, 'the body must be a SCIM Group object', 'invalidSyntax')
    const displayName = checkGroupName(body.displayName)
    const externalId = body.externalId === undefined || body.externalId === null ? null : checkText(body.externalId, 'externalId', 255)
    const members = body.members === undefined || body.members === null ? [] : groupPatch([{ op: 'replace', path: 'members', value: body.members }]).replace ?? []
    const g = await this.groupService().create(tenantId, { displayName, externalId, members }, actor)
    return this.groupOut(tenantId, g, true, base)
  }

  /** PUT: the resource as sent (members absent: none; externalId absent: removed). */
  async replaceGroup(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimGroup> {
    await this.loadGroup(tenantId, id)
    if (!obj(body)) throw new ScimError(400, 'the body must be a SCIM Group object', 'invalidSyntax')
    const displayName = checkGroupName(body.displayName)
    const externalId = body.externalId === undefined || body.externalId === null ? null : checkText(body.externalId, 'externalId', 255)
    const { replace } = groupPatch([{ op: 'replace', path: 'members', value: body.members ?? [] }])
    await this.db.transaction(async () => {
      await this.groupService().update(tenantId, id, { displayName, externalId }, actor)
      await this.groupService().changeMembers(tenantId, id, { replace: replace ?? [] }, actor)
    })
    return this.getGroup(tenantId, id, true, base)
  }

  async patchGroup(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimGroup> {
    await this.loadGroup(tenantId, id)
    const change = groupPatch(patchOps(body))
    await this.db.transaction(async () => {
      if (change.displayName !== undefined || change.externalId !== undefined) {
        await this.groupService().update(tenantId, id, { displayName: change.displayName, externalId: change.externalId }, actor)
      }
      await this.groupService().changeMembers(tenantId, id, { add: change.add, remove: change.remove, replace: change.replace }, actor)
    })
    return this.getGroup(tenantId, id, true, base)
  }

  async deleteGroup(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.loadGroup(tenantId, id)
    await this.groupService().delete(tenantId, id, actor)
  }
}
