// Keyset pagination: the cursor is the (created_at, id) of the last row seen,
// so pages stay stable while new rows arrive.
import { AppError } from '../errors'

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

/**
 * Pagination over a list already in memory (the semantic layer of one
 * connection), ordered by a unique text key; the cursor is the last key seen.
 */
export function paginateByKey<T>(rows: T[], key: (r: T) => string, opts: { limit: number; cursor?: string }): Page<T> {
  let after: string | undefined
  if (opts.cursor) {
    try {
      const v = JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as unknown
      if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string') throw new Error('bad')
      after = v[0]
    } catch {
      throw new AppError('validation_error', 'cursor is not valid', [{ path: 'cursor', issue: 'invalid' }])
    }
  }
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  const rest = after === undefined ? sorted : sorted.filter((r) => key(r) > after!)
  const page = rest.slice(0, opts.limit)
  const next = rest.length > opts.limit ? Buffer.from(JSON.stringify([key(page[page.length - 1])])).toString('base64url') : null
  return { data: page, next_cursor: next }
}
