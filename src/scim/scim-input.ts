// Reading SCIM request bodies. Identity providers send many attributes we do
// not keep (title, phoneNumbers, the enterprise extension): those are
// ignored, so provisioning does not break, unless NEXATRON_SCIM_ATTRIBUTES maps
// them onto user attributes (scim-attribute-map.ts); what we keep is validated.
import { z } from 'zod'
import { ScimError } from './scim-error'

/** Entra sends booleans as "True"/"False" strings. */
export function scimBoolean(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
  throw new ScimError(400, `${path} must be a boolean`, 'invalidValue')
}

const email = z.string().trim().toLowerCase().max(320).email()
const text = (max: number) => z.string().trim().max(max)

/** What a user resource sets on a Nexatron user. `undefined` leaves a field alone; null clears it. */
export interface UserDraft {
  email?: string
  name?: string | null
  disabled?: boolean
  externalId?: string | null
}

export function checkEmail(v: unknown, path = 'userName'): string {
  const r = email.safeParse(v)
  if (!r.success) throw new ScimError(400, `${path} must be an email address (it is the Nexatron login)`, 'invalidValue')
  return r.data
}

function checkText(v: unknown, path: string, max: number): string | null {
  if (v === null) return null
  const r = text(max).safeParse(v)
  if (!r.success) throw new ScimError(400, `${path} must be a string of at most ${max} characters`, 'invalidValue')
  return r.data === '' ? null : r.data
}

const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** name.formatted, else the given and family names joined, else displayName. */
export function nameFrom(name: unknown, displayName: unknown): string | null | undefined {
  if (obj(name)) {
    if (name.formatted !== undefined) return checkText(name.formatted, 'name.formatted', 200)
    const parts = [name.givenName, name.familyName].map((p, i) => (p === undefined ? null : checkText(p, i ? 'name.familyName' : 'name.givenName', 100)))
    const joined = parts.filter(Boolean).join(' ')
    if (joined) return joined
  } else if (name !== undefined && name !== null) {
    throw new ScimError(400, 'name must be an object', 'invalidValue')
  }
  if (displayName !== undefined) return checkText(displayName, 'displayName', 200)
  return undefined
}

/** The email of `emails`: the primary one, else the first. */
export function emailFrom(emails: unknown): string | undefined {
  if (emails === undefined || emails === null) return undefined
  if (!Array.isArray(emails)) throw new ScimError(400, 'emails must be an array', 'invalidValue')
  const pick = emails.find((e) => obj(e) && e.primary === true) ?? emails[0]
  if (pick === undefined) return undefined
  if (!obj(pick)) throw new ScimError(400, 'emails[] must be objects with a value', 'invalidValue')
  return checkEmail(pick.value, 'emails.value')
}

/** A full user resource (POST, PUT). userName is required; it is the email. */
export function userDraft(body: unknown): UserDraft & { email: string } {
  if (!obj(body)) throw new ScimError(400, 'the body must be a SCIM User object', 'invalidSyntax')
  if (body.userName === undefined) throw new ScimError(400, 'userName is required', 'invalidValue')
  const draft: UserDraft & { email: string } = { email: checkEmail(body.userName) }
  const name = nameFrom(body.name, body.displayName)
  draft.name = name ?? null
  draft.disabled = body.active === undefined ? false : !scimBoolean(body.active, 'active')
  draft.externalId = body.externalId === undefined ? null : checkText(body.externalId, 'externalId', 255)
  return draft
}

export { checkText, obj }
