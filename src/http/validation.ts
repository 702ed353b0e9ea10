// zod validation failures → 400 envelope naming each field.
import type { ZodError } from 'zod'
import { AppError, type ErrorDetail } from './errors'

export function validationError(error: ZodError, target?: string): AppError {
  const details: ErrorDetail[] = []
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) details.push({ path: base ? `${base}.${k}` : k, issue: 'unknown_field' })
    } else {
      details.push({ path: base || target || '', issue: issue.code, message: friendly(issue.code, issue.message, issue) })
    }
  }
  const first = details[0]
  const message = first
    ? first.issue === 'unknown_field'
      ? `unknown field ${first.path}`
      : `${first.path || 'body'}: ${first.message as string}`
    : 'invalid request'
  return new AppError('validation_error', message, details)
}

function friendly(code: string, message: string, issue: unknown): string {
  const i = issue as { minimum?: number; origin?: string }
  if (code === 'too_small' && i.origin === 'string' && i.minimum === 1) return 'must not be empty'
  if (code === 'invalid_type' && /received undefined/.test(message)) return 'is required'
  return message
}
