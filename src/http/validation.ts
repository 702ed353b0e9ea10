// zod validation failures → 400 envelope naming each field.
// The answer stays small whatever the input: unknown keys are reported by name
// only for the first few, and every name or path is clipped, so a body with
// 60,000 unknown fields (or one enormous key) is refused in a few hundred
// bytes. Values are never echoed. (errorBody caps the number of details.)
import type { ZodError } from 'zod'
import { AppError, clip, type ErrorDetail } from './errors'

/** Unknown keys named one by one; beyond this, one detail counts them. */
const NAMED_UNKNOWN_KEYS = 5

export function validationError(error: ZodError, target?: string): AppError {
  const details: ErrorDetail[] = []
  let unknownKeys = 0
  let firstUnknown: string | undefined
  for (const issue of error.issues) {
    const base = clip(issue.path.map(String).join('.'), 200)
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => clip(k))
      unknownKeys += keys.length
      keys.slice(0, NAMED_UNKNOWN_KEYS).forEach((k) => details.push({ path: base ? `${base}.${k}` : k, issue: 'unknown_field' }))
      firstUnknown ??= base ? `${base}.${keys[0]}` : keys[0]
      if (keys.length > NAMED_UNKNOWN_KEYS) {
        details.push({ path: base || target || '', issue: 'unknown_fields', count: keys.length, message: `${keys.length} unknown fields (${keys.length - NAMED_UNKNOWN_KEYS} not named)` })
      }
    } else {
      details.push({ path: base || target || '', issue: issue.code, message: friendly(issue.code, issue.message, issue) })
    }
  }
  const first = details[0]
  const message = !first
    ? 'invalid request'
    : first.issue === 'unknown_field' || first.issue === 'unknown_fields'
      ? unknownKeys > 1 ? `${unknownKeys} unknown fields, the first ${firstUnknown}` : `unknown field ${firstUnknown}`
      : `${first.path || 'body'}: ${first.message as string}`
  return new AppError('validation_error', message, details)
}

function friendly(code: string, message: string, issue: unknown): string {
  const i = issue as { minimum?: number; origin?: string }
  if (code === 'too_small' && i.origin === 'string' && i.minimum === 1) return 'must not be empty'
  if (code === 'invalid_type' && /received undefined/.test(message)) return 'is required'
  return clip(message, 300)
}
