// A PostgreSQL database of a test file's own on the machine's server (dropped
// after), for suites that run several instances on one store.
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { SERVICES } from './services'

/** Runs one statement as the server's superuser, on its default database. */
export async function adminSql(statement: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { return await c.query(statement) } finally { await c.end() }
}

/** A uniquely named database (`<prefix>_<random>`): its URL, and how to create and drop it. */
export function scratchDatabase(prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  return {
    name,
    url: `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${name}`,
    create: () => adminSql(`CREATE DATABASE ${name}`),
    drop: () => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
