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

/** A cursor over a unique text key: the last key seen. */
export function encodeKeyCursor(key: string): string {
  return Buffer.from(JSON.stringify([key])).toString('base64url')
}

export function decodeKeyCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string') throw new Error('bad')
    return v[0]
  } catch {
    throw new AppError('validation_error', 'cursor is not valid', [{ path: 'cursor', issue: 'invalid' }])
  }
}

/**
 * Pagination over a list already in memory (the semantic layer of one
 * connection), ordered by a unique text key; the cursor is the last key seen.
 */
export function paginateByKey<T>(rows: T[], key: (r: T) => string, opts: { limit: number; cursor?: string }): Page<T> {
  const after = decodeKeyCursor(opts.cursor)
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  const rest = after === undefined ? sorted : sorted.filter((r) => key(r) > after)
  const page = rest.slice(0, opts.limit)
  const next = rest.length > opts.limit ? encodeKeyCursor(key(page[page.length - 1])) : null
  return { data: page, next_cursor: next }
}

/**
 * Keyset pagination in the store over a unique text key, with a filter applied
 * after the read (rows the caller may not see). `fetch(after, n)` reads up to n
 * rows after the key `after`. When the filter drops rows, further batches are
 * read, so a page is short only at the end and next_cursor is null exactly
 * when no visible row follows.
 */
export async function keysetPage<T>(
  fetch: (after: string | undefined, n: number) => Promise<T[]>, key: (r: T) => string,
  opts: { limit: number; cursor?: string }, keep: (r: T) => boolean = () => true,
): Promise<Page<T>> {
  let after = decodeKeyCursor(opts.cursor)
  const batch = opts.limit + 1
  const out: T[] = []
  for (;;) {
    const rows = await fetch(after, batch)
    for (const r of rows) {
      if (keep(r)) out.push(r)
      if (out.length > opts.limit) break
    }
    if (out.length > opts.limit || rows.length < batch) break
    after = key(rows[rows.length - 1])
  }
  const data = out.slice(0, opts.limit)
  return { data, next_cursor: out.length > opts.limit ? encodeKeyCursor(key(data[data.length - 1])) : null }
}
