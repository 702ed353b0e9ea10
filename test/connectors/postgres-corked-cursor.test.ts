// The cursor the PostgreSQL connectors stream with sends each protocol step
// (open, fetch a batch, close) as one socket write, not one per message, and
// still reads every row and closes the portal.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CorkedCursor } from '../../connectors/postgres/corked-cursor'
import { SERVICES, serviceAvailable } from '../support/services'

const ok = await serviceAvailable('postgres')

type Stream = { write: (...args: unknown[]) => boolean; _writev?: unknown }

/** Counts the write calls that reach the socket (a corked burst arrives as one writev). */
function countWrites(client: pg.Client) {
  const socket = (client as unknown as { connection: { stream: Stream & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void } } }).connection.stream
  const counter = { n: 0 }
  const write = socket._write.bind(socket)
  const writev = socket._writev.bind(socket)
  socket._write = (...a: unknown[]) => { counter.n++; write(...a) }
  socket._writev = (...a: unknown[]) => { counter.n++; writev(...a) }
  return counter
}

const read = (cursor: CorkedCursor<unknown[]>, n: number) =>
  new Promise<unknown[][]>((resolve, reject) => cursor.read(n, (err, rows) => (err ? reject(err) : resolve(rows as unknown as unknown[][]))))

describe.skipIf(!ok)('CorkedCursor on PostgreSQL', () => {
  const client = new pg.Client({ connectionString: SERVICES.postgres.url })
  beforeAll(async () => { await client.connect() })
  afterAll(async () => { await client.end() })

  it('opens the portal, fetches a batch and closes it with one socket write each', async () => {
    await client.query('BEGIN READ ONLY')
    const writes = countWrites(client)
    const cursor = client.query(new CorkedCursor<unknown[]>('SELECT g, g * 2 FROM generate_series(1, $1::int) g', [5], { rowMode: 'array' }))
    expect(writes.n).toBe(1) // Parse, Bind, Describe, Flush
    const first = await read(cursor, 3)
    expect(first).toEqual([[1, 2], [2, 4], [3, 6]])
    expect(writes.n).toBe(2) // + Execute, Flush
    await new Promise<void>((resolve, reject) => cursor.close((err) => (err ? reject(err) : resolve())))
    expect(writes.n).toBe(3) // + Close, Sync
    await client.query('ROLLBACK')
  })

  it('reads every row to the end and leaves the connection usable', async () => {
    const cursor = client.query(new CorkedCursor<unknown[]>('SELECT g FROM generate_series(1, 250) g', [], { rowMode: 'array' }))
    const all: unknown[][] = []
    for (;;) {
      const rows = await read(cursor, 100)
      if (rows.length === 0) break
      all.push(...rows)
    }
    expect(all.map((r) => r[0])).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))
    await new Promise<void>((resolve) => cursor.close(() => resolve()))
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it('reports a failing statement and leaves the connection usable', async () => {
    const cursor = client.query(new CorkedCursor<unknown[]>('SELECT 1 / (g - 3) FROM generate_series(1, 5) g', [], { rowMode: 'array' }))
    await expect(read(cursor, 10)).rejects.toThrow(/division by zero/)
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }])
  })
})
