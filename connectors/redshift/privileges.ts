// What an Amazon Redshift login may do beyond reading. Redshift's catalog is
// PostgreSQL 8's (pg_user, no pg_has_role, no predefined roles), so this reads
// the superuser and CREATEDB flags, ownership by user id, CREATE on the
// database and schemas, and INSERT/UPDATE/DELETE grants on reachable tables.
import type { LoginPrivileges, PrivilegeFinding } from '../connector'
import { sample } from '../postgres/privileges'
import type { SqlRunner } from '../shared/schema-info'
import { privilegeReport, truthy } from '../shared/privileges'

const USER_SCHEMA = `left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'`
const ME = `(SELECT usesysid FROM pg_user WHERE usename = current_user)`
const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`
const LIMIT = 21

export async function redshiftPrivileges(run: SqlRunner): Promise<LoginPrivileges> {
  const findings: PrivilegeFinding[] = []
  const [user] = await run(`SELECT usename AS name, usesuper AS super, usecreatedb AS createdb FROM pg_user WHERE usename = current_user`)
  if (!user) return privilegeReport([], [{ code: 'not_checked', message: 'the login user was not found in pg_user' }])
  if (truthy(user.super)) {
    return privilegeReport([{ code: 'superuser', message: `user ${String(user.name)} is a superuser: it bypasses every grant (UNLOAD, COPY, every table)` }])
  }
  if (truthy(user.createdb)) findings.push({ code: 'createdb', message: 'CREATEDB: creates databases' })

  const [db] = await run(`SELECT has_database_privilege(current_database(), 'CREATE') AS can_create`)
  if (db && truthy(db.can_create)) findings.push({ code: 'create_schema', message: 'CREATE on the database: creates schemas' })

  const schemas = await run(`SELECT quote_ident(n.nspname) AS name, n.nspowner = ${ME} AS owner FROM pg_namespace n
    WHERE ${USER_SCHEMA} AND (n.nspowner = ${ME} OR has_schema_privilege(current_user, n.nspname, 'CREATE')) ORDER BY 1 LIMIT ${LIMIT}`)
  const ownedSchemas = schemas.filter((s) => truthy(s.owner)).map((s) => String(s.name))
  const createSchemas = schemas.filter((s) => !truthy(s.owner)).map((s) => String(s.name))
  if (ownedSchemas.length) findings.push({ code: 'schema_owner', message: `owns schema ${sample(ownedSchemas)}: creates and drops objects in it` })
  if (createSchemas.length) findings.push({ code: 'create_table', message: `CREATE on schema ${sample(createSchemas)}: creates tables` })

  const owned = await run(`SELECT ${QUALIFIED} AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm') AND ${USER_SCHEMA} AND c.relowner = ${ME} ORDER BY 1 LIMIT ${LIMIT}`)
  if (owned.length) findings.push({ code: 'table_owner', message: `owns ${sample(owned.map((r) => String(r.name)))}: an owner bypasses grants, and may write, alter and drop` })

  const writable = await run(`SELECT ${QUALIFIED} AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm') AND ${USER_SCHEMA} AND c.relowner <> ${ME} AND has_schema_privilege(current_user, n.nspname, 'USAGE')
      AND (has_table_privilege(current_user, ${QUALIFIED}, 'INSERT') OR has_table_privilege(current_user, ${QUALIFIED}, 'UPDATE')
        OR has_table_privilege(current_user, ${QUALIFIED}, 'DELETE'))
    ORDER BY 1 LIMIT ${LIMIT}`)
  if (writable.length) findings.push({ code: 'write_grant', message: `INSERT, UPDATE or DELETE on ${sample(writable.map((r) => String(r.name)))}` })

  return privilegeReport(findings)
}
