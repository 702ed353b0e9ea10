// Attack (nineteenth pass, left over by its helper, written before the fix): the
// demo warehouse is PGlite, whose whole file system lives in the server's memory,
// temporary files included. A tenant admin's dimension expression grouping wide
// values (repeat(name, 600000) over the demo's customers, limit 1) made Postgres
// spill the grouping to temporary files: gigabytes of RSS, and the kernel killed
// the server for every tenant. Temporary files are now capped per query.
import { describe, expect, it } from 'vitest'
import { PGlite } from '@electric-sql/pglite'
import { DEMO_PGLITE_OPTIONS } from '../../src/demo/warehouse'
import { mapPgError } from '../../connectors/postgres/errors'

describe('attack: a demo query that spills to temporary files', () => {
  it('is refused at the temporary-file cap instead of filling the server\'s memory', async () => {
    const db = await PGlite.create(DEMO_PGLITE_OPTIONS)
    try {
      // ~320 MB of distinct 3.2 KB values to group: far past work_mem, so it spills.
      const spill = db.query(`SELECT d FROM (SELECT repeat(md5(g::text), 100) AS d FROM generate_series(1, 100000) g) s GROUP BY d ORDER BY d LIMIT 1`)
      const err = await spill.then(() => undefined, (e: unknown) => e)
      expect(String(err)).toMatch(/temp_file_limit|temporary file size/)
      // The asker's query failed (422), not the server (it was answered as 503 "not accepting connections").
      expect(mapPgError('pglite', err, 60_000)).toMatchObject({ code: 'query_failed' })
      // The database is still there for the next question.
      expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows[0].n).toBe(1)
    } finally {
      await db.close()
    }
  }, 120_000)
})
