// PATCH (RFC 7644 §3.5.2) for users and groups: add / replace / remove, with
// or without a path, op names in any case (Entra writes "Replace").
import { ScimError } from './scim-error'
import { SCHEMAS } from './scim-resources'
import { checkEmail, checkText, emailFrom, nameFrom, obj, scimBoolean, type UserDraft } from './scim-input'

export interface PatchOp { op: 'add' | 'replace' | 'remove'; path?: string; value?: unknown }

export function patchOps(body: unknown): PatchOp[] {
  if (!obj(body) || !Array.isArray(body.schemas) || !body.schemas.includes(SCHEMAS.patch)) {
    throw new ScimError(400, `a PATCH body must list the schema ${SCHEMAS.patch}`, 'invalidSyntax')
  }
  const ops = body.Operations
  if (!Array.isArray(ops) || ops.length === 0) throw new ScimError(400, 'Operations must be a non-empty array', 'invalidSyntax')
  if (ops.length > 1000) throw new ScimError(413, 'too many operations in one PATCH (at most 1000)', 'tooMany')
  return ops.map((o, i) => {
    if (!obj(o) || typeof o.op !== 'string') throw new ScimError(400, `Operations[${i}].op is required`, 'invalidSyntax')
    const op = o.op.toLowerCase()
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw new ScimError(400, `Operations[${i}].op must be add, replace or remove`, 'invalidSyntax')
    if (o.path !== undefined && (typeof o.path !== 'string' || o.path.length > 300)) throw new ScimError(400, `Operations[${i}].path must be a string`, 'invalidPath')
    if (op === 'remove' && o.path === undefined) throw new ScimError(400, 'remove needs a path', 'noTarget')
    if (op !== 'remove' && o.value === undefined) throw new ScimError(400, `Operations[${i}].value is required for ${op}`, 'invalidValue')
    return { op, path: o.path as string | undefined, value: o.value }
  })
}

// Attributes of the core User schema that may carry the URN prefix.
const stripUrn = (p: string) => p.replace(new RegExp(`^${SCHEMAS.user.replace(/[.]/g, '\\.')}:`, 'i'), '')

/** Applies user PATCH operations to a draft; attributes we do not keep are ignored. */
export function userPatchDraft(ops: PatchOp[]): UserDraft {
  const d: UserDraft = {}
  const given: { givenName?: unknown; familyName?: unknown } = {}
  const set = (rawPath: string, value: unknown, remove: boolean) => {
    const path = stripUrn(rawPath).toLowerCase()
    switch (path) {
      case 'active':
        if (remove) throw new ScimError(400, 'active cannot be removed', 'mutability')
        d.disabled = !scimBoolean(value, 'active')
        return
      case 'username':
        if (remove) throw new ScimError(400, 'userName is required and cannot be removed', 'mutability')
        d.email = checkEmail(value)
        return
      case 'externalid':
        d.externalId = remove ? null : checkText(value, 'externalId', 255)
        return
      case 'displayname':
      case 'name.formatted':
        d.name = remove ? null : checkText(value, path === 'displayname' ? 'displayName' : 'name.formatted', 200)
        return
      case 'name':
        d.name = remove ? null : nameFrom(value, undefined) ?? null
        return
      case 'name.givenname':
        given.givenName = remove ? undefined : value
        return
      case 'name.familyname':
        given.familyName = remove ? undefined : value
        return
      case 'emails':
      case 'emails.value':
      case 'emails[type eq "work"].value':
      case 'emails[primary eq true].value':
        if (remove) throw new ScimError(400, 'the email is the login and cannot be removed', 'mutability')
        d.email = path === 'emails' ? emailFrom(Array.isArray(value) ? value : [value]) : checkEmail(value, 'emails.value')
        return
      default:
        // title, phoneNumbers, enterprise extension, ...: not kept by Nexatron.
        return
    }
  }
  for (const op of ops) {
    if (op.path !== undefined) {
      set(op.path, op.value, op.op === 'remove')
    } else if (obj(op.value)) {
      // No path: the value is a partial resource; keys may be dotted ("name.givenName").
      for (const [k, v] of Object.entries(op.value)) {
        if (k === 'name' && obj(v)) {
          for (const [nk, nv] of Object.entries(v)) set(`name.${nk}`, nv, false)
        } else set(k, v, false)
      }
    } else {
      throw new ScimError(400, `${op.op} without a path needs an object value`, 'invalidValue')
    }
  }
  if (d.name === undefined && (given.givenName !== undefined || given.familyName !== undefined)) d.name = nameFrom(given, undefined) ?? null
  return d
}

/** What a group PATCH changes: the membership (folded in order), and the name or externalId when given. */
export interface GroupChange {
  /** Users to put into the group. */
  add: string[]
  /** Users to take out of it (null: every current member). */
  remove: string[] | null
  /** replace: the listed users become the whole membership. */
  replace?: string[]
  displayName?: string
  /** null: removed. */
  externalId?: string | null
}

const memberIds = (v: unknown, where: string): string[] => {
  const list = Array.isArray(v) ? v : [v]
  return list.map((m, i) => {
    if (!obj(m) || typeof m.value !== 'string' || !m.value) throw new ScimError(400, `${where}[${i}].value must name a user id`, 'invalidValue')
    return m.value
  })
}

const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"([^"\\]{1,64})"\s*\]$/i
const stripGroupUrn = (p: string) => p.replace(new RegExp(`^${SCHEMAS.group.replace(/[.]/g, '\\.')}:`, 'i'), '')

export function checkGroupName(v: unknown, where = 'displayName'): string {
  if (typeof v !== 'string' || !v.trim() || v.trim().length > 200) throw new ScimError(400, `${where} must be a non-empty string of at most 200 characters`, 'invalidValue')
  return v.trim()
}

/**
 * Folds group PATCH operations into one change, in order. Okta replaces the
 * name without a path (`{"op":"replace","value":{"id":..,"displayName":..}}`)
 * and removes one member by a value filter (`members[value eq "id"]`); Entra
 * writes "Add"/"Remove"/"Replace" with `path: "members"` and a list of values.
 */
export function groupPatch(ops: PatchOp[]): GroupChange {
  const out: GroupChange = { add: [], remove: [] }
  let replace: string[] | undefined
  const add = new Set<string>()
  let remove: Set<string> | null = new Set<string>()
  const addAll = (ids: string[]) => { for (const id of ids) { add.add(id); remove?.delete(id) } }
  const members = (op: PatchOp['op'], value: unknown) => {
    if (op === 'remove') {
      if (value === undefined) { remove = null; add.clear(); replace = undefined } else for (const id of memberIds(value, 'value')) { remove?.add(id); add.delete(id) }
      return
    }
    const ids = memberIds(value, 'members')
    if (op === 'replace') { replace = ids; add.clear(); remove = new Set() } else addAll(ids)
  }
  for (const op of ops) {
    const path = op.path === undefined ? undefined : stripGroupUrn(op.path.trim())
    const lower = path?.toLowerCase()
    if (lower === undefined) {
      if (!obj(op.value)) throw new ScimError(400, `${op.op} without a path needs an object value`, 'invalidValue')
      for (const [k, v] of Object.entries(op.value)) {
        const key = k.toLowerCase()
        if (key === 'displayname') out.displayName = checkGroupName(v)
        else if (key === 'externalid') out.externalId = v === null ? null : checkText(v, 'externalId', 255)
        else if (key === 'members') members(op.op, v)
        // id, schemas, meta: read-only or not ours to change.
      }
      continue
    }
    if (lower === 'members') { members(op.op, op.value); continue }
    const m = path ? MEMBER_FILTER.exec(path) : null
    if (m && op.op === 'remove') { remove?.add(m[1]); add.delete(m[1]); continue }
    if (lower === 'displayname') {
      if (op.op === 'remove') throw new ScimError(400, 'displayName is required and cannot be removed', 'mutability')
      out.displayName = checkGroupName(op.value)
      continue
    }
    if (lower === 'externalid') {
      out.externalId = op.op === 'remove' ? null : checkText(op.value, 'externalId', 255)
      continue
    }
    throw new ScimError(400, `unsupported path for a group: ${path}`, 'invalidPath')
  }
  return { ...out, add: [...add], remove: remove ? [...remove] : null, replace }
}
