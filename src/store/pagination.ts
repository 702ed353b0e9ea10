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
    // Accept exactly what encodeCursor writes: anything else could reach the store unparsed.
    if (typeof t !== 'string' || typeof id !== 'string' || !/^[a-z]+_[A-Za-z0-9]{1,64}$/.test(id)) throw new Error('bad')
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t) || Number.isNaN(Date.parse(t)) || new Date(t).toISOString() !== t) throw new Error('bad')
    return { t, id }
  } catch {
    throw new AppError('validation_error', 'cursor is not valid', [{ path: 'cursor', issue: 'invalid' }])
  }
}
