// Keyset pagination: the cursor is the (created_at, id) of the last row seen,
// so pages stay stable while new rows arrive.
import { AppError } from '../http/errors'

export interface Page<T> { data: T[]; next_cursor: string | null }

export function encodeCursor(t: Date, id: string): string {
  return Buffer.from(JSON.stringify([t.toISOString(), id])).toString('base64url')
}

export function decodeCursor(cursor: string): { t: string; id: string } {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    if (typeof t !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(t))) throw new Error('bad')
    return { t, id }
  } catch {
    throw new AppError('validation_error', 'cursor is not valid', [{ path: 'cursor', issue: 'invalid' }])
  }
}
