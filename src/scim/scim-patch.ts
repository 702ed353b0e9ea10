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

export interface MembershipChange {
  /** Users to put into the group. */
  add: string[]
  /** Users to take out of it (null: every current member). */
  remove: string[] | null
  /** replace: the listed users become the whole membership. */
  replace?: string[]
}

const memberIds = (v: unknown, where: string): string[] => {
  const list = Array.isArray(v) ? v : [v]
  return list.map((m, i) => {
    if (!obj(m) || typeof m.value !== 'string' || !m.value) throw new ScimError(400, `${where}[${i}].value must name a user id`, 'invalidValue')
    return m.value
  })
}

const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"([^"\\]{1,64})"\s*\]$/i

/** Folds group PATCH operations into one membership change, in order. */
export function groupPatch(ops: PatchOp[], displayName: string): MembershipChange {
  let replace: string[] | undefined
  const add = new Set<string>()
  let remove: Set<string> | null = new Set<string>()
  const addAll = (ids: string[]) => { for (const id of ids) { add.add(id); remove?.delete(id) } }
  for (const op of ops) {
    const path = op.path?.trim()
    const lower = path?.toLowerCase()
    if (lower === undefined || lower === 'members') {
      if (op.op === 'remove') {
        if (op.value === undefined) { remove = null; add.clear(); replace = undefined } else for (const id of memberIds(op.value, 'value')) { remove?.add(id); add.delete(id) }
        continue
      }
      let value = op.value
      if (lower === undefined) {
        if (!obj(value)) throw new ScimError(400, `${op.op} without a path needs an object value`, 'invalidValue')
        if (value.displayName !== undefined && value.displayName !== displayName) throw new ScimError(400, 'groups are the fixed roles; their displayName cannot change', 'mutability')
        if (value.members === undefined) continue
        value = value.members
      }
      const ids = memberIds(value, 'members')
      if (op.op === 'replace') { replace = ids; add.clear(); remove = new Set() } else addAll(ids)
      continue
    }
    const m = path ? MEMBER_FILTER.exec(path) : null
    if (m && op.op === 'remove') { remove?.add(m[1]); add.delete(m[1]); continue }
    if (lower === 'displayname') {
      if (op.value !== displayName) throw new ScimError(400, 'groups are the fixed roles; their displayName cannot change', 'mutability')
      continue
    }
    throw new ScimError(400, `unsupported path for a group: ${path}`, 'invalidPath')
  }
  return { add: [...add], remove: remove ? [...remove] : null, replace }
}
