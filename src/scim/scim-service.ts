// SCIM provisioning onto Nexatron users and roles, one tenant at a time.
// Every change to a user goes through UserService, so its rules hold here
// too (emails unique in the tenant, the last active admin cannot be disabled,
// demoted or deleted, a disabled user or a changed role ends the user's
// sessions, and nobody grants a role or changes a user beyond their own
// scopes: the SCIM token acts with its creator's scopes, see scim-tokens.ts).
// Users made here get an unguessable random password: they sign in once an
// admin sets a password (PATCH /api/v1/users/{id}) or through SSO.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { scimUsers, users } from '../store/schema'
import { randomBase62 } from '../ids'
import { assertMayHoldRole, type UserRow, type UserService } from '../identity/users'
import { ROLES, type Actor, type Role } from '../identity/scopes'
import { AppError } from '../errors'
import type { BillingService } from '../billing/billing-service'
import { ScimError } from './scim-error'
import { parseFilter, type Comparison } from './scim-filter'
import { groupPatch, patchOps, userPatchDraft } from './scim-patch'
import { userDraft, type UserDraft } from './scim-input'
import { attributesFromPatch, attributesFromResource, mergeAttributes, type ScimAttributeMap } from './scim-attribute-map'
import type { AttributeValue, Attributes } from '../../semantic/access'

type AttributeChanges = Record<string, AttributeValue | null>
import { DEFAULT_COUNT, groupResource, isRole, listResponse, MAX_COUNT, userResource, type ListResponse, type ScimGroup, type ScimUser } from './scim-resources'

export interface Paging { startIndex?: number; count?: number }

const userNotFound = (id: string) => new ScimError(404, `User ${id} not found`)
const groupNotFound = (id: string) => new ScimError(404, `Group ${id} not found (the groups are ${ROLES.join(', ')})`)

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
    return listResponse(rows.map((r) => userResource(r.u, r.externalId, base)), n, start)
  }

  async getUser(tenantId: string, id: string, base: string): Promise<ScimUser> {
    const { user, externalId } = await this.load(tenantId, id)
    return userResource(user, externalId, base)
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

  // ---- Groups (the fixed roles) -------------------------------------------

  async listGroups(tenantId: string, q: Paging & { filter?: string; withMembers: boolean }, base: string): Promise<ListResponse<ScimGroup>> {
    const { start, count } = paging(q)
    let roles: Role[] = [...ROLES]
    if (q.filter) {
      for (const c of parseFilter(q.filter)) {
        const attr = c.attr.toLowerCase()
        if ((attr !== 'displayname' && attr !== 'id') || c.op !== 'eq' || typeof c.value !== 'string') {
          throw new ScimError(400, 'groups can be filtered by displayName eq or id eq', 'invalidFilter')
        }
        const v = attr === 'displayname' ? c.value.toLowerCase() : c.value
        roles = roles.filter((r) => r === v)
      }
    }
    const page = roles.slice(start - 1, start - 1 + count)
    const resources = await Promise.all(page.map(async (r) => groupResource(r, q.withMembers ? await this.members(tenantId, r) : null, base)))
    return listResponse(resources, roles.length, start)
  }

  async getGroup(tenantId: string, id: string, withMembers: boolean, base: string): Promise<ScimGroup> {
    if (!isRole(id)) throw groupNotFound(id)
    return groupResource(id, withMembers ? await this.members(tenantId, id) : null, base)
  }

  async replaceGroup(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimGroup> {
    if (!isRole(id)) throw groupNotFound(id)
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ScimError(400, 'the body must be a SCIM Group object', 'invalidSyntax')
    const b = body as { displayName?: unknown; members?: unknown }
    if (b.displayName !== undefined && b.displayName !== id) throw new ScimError(400, 'groups are the fixed roles; their displayName cannot change', 'mutability')
    const { replace } = groupPatch([{ op: 'replace', path: 'members', value: b.members ?? [] }], id)
    await this.setMembers(tenantId, id, new Set(replace ?? []), actor)
    return this.getGroup(tenantId, id, true, base)
  }

  async patchGroup(tenantId: string, id: string, body: unknown, base: string, actor: Actor): Promise<ScimGroup> {
    if (!isRole(id)) throw groupNotFound(id)
    const change = groupPatch(patchOps(body), id)
    const current = new Set((await this.members(tenantId, id)).map((m) => m.id))
    const target = change.replace !== undefined ? new Set(change.replace) : change.remove === null ? new Set<string>() : new Set(current)
    for (const r of change.remove ?? []) target.delete(r)
    for (const a of change.add) target.add(a)
    await this.setMembers(tenantId, id, target, actor, current)
    return this.getGroup(tenantId, id, true, base)
  }

  /** Creating groups: only the fixed roles exist. */
  createGroup(body: unknown): never {
    const name = body && typeof body === 'object' ? (body as { displayName?: unknown }).displayName : undefined
    if (typeof name === 'string' && isRole(name.toLowerCase())) throw new ScimError(409, `group ${name} already exists (id "${name.toLowerCase()}")`, 'uniqueness')
    throw new ScimError(400, `groups are the fixed roles ${ROLES.join(', ')}; map your groups onto them`, 'invalidValue')
  }

  private async members(tenantId: string, role: Role): Promise<Array<{ id: string; email: string }>> {
    return this.db.select({ id: users.id, email: users.email }).from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.role, role))).orderBy(asc(users.createdAt), asc(users.id))
  }

  /**
   * Makes `target` the group's membership: newcomers get the role, leavers
   * fall back to viewer (every user has exactly one role, and viewer is the
   * least one; leaving the viewer group itself changes nothing). Promotions
   * run before demotions, so handing admin from one user to another works.
   */
  private async setMembers(tenantId: string, role: Role, target: Set<string>, actor: Actor, known?: Set<string>): Promise<void> {
    const current = known ?? new Set((await this.members(tenantId, role)).map((m) => m.id))
    const join = [...target].filter((id) => !current.has(id))
    if (join.length) {
      const found = await this.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, join)))
      const ok = new Set(found.map((f) => f.id))
      const missing = join.find((id) => !ok.has(id))
      if (missing) throw new ScimError(400, `member ${missing} is not a user`, 'invalidValue')
    }
    const leave = role === 'viewer' ? [] : [...current].filter((id) => !target.has(id))
    if (role === 'admin' && leave.length && target.size === 0) {
      throw new AppError('conflict', 'the tenant must keep at least one active admin user', [{ issue: 'last_admin' }])
    }
    // Granting or leaving the role is changing the user: both need its scopes (admin: `*`).
    if (join.length || leave.length) assertMayHoldRole(actor, role, 'grant')
    for (const id of join) await this.users.update(tenantId, id, { role }, actor)
    for (const id of leave) await this.users.update(tenantId, id, { role: 'viewer' }, actor)
  }
}
