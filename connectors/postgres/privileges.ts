// What a PostgreSQL login may do beyond reading, from the catalogs: role
// attributes (superuser, CREATEROLE, ...), the predefined roles that reach
// files, programs or every table, ownership (an owner bypasses grants), CREATE
// on the database or a schema, and write grants on the tables it can reach.
import type { LoginPrivileges, PrivilegeFinding } from '../connector'
import type { SqlRunner } from '../shared/schema-info'
import { listNames, privilegeReport, truthy } from '../shared/privileges'

/** Predefined roles that let a login do more than read its tables, and what each adds. */
export const PG_DANGEROUS_ROLES: Readonly<Record<string, string>> = {
  pg_read_server_files: 'reads any file on the database server (COPY FROM, pg_read_file)',
  pg_write_server_files: 'writes any file on the database server (COPY TO)',
  pg_execute_server_program: 'runs programs on the database server (COPY ... PROGRAM)',
  pg_write_all_data: 'writes every table',
  pg_signal_backend: 'cancels and terminates other sessions',
  pg_create_subscription: 'makes the server connect out (CREATE SUBSCRIPTION)',
}

/** Rows listed per finding, at most (one more is fetched to know there are more). */
const SAMPLE = 20
/** User schemas: not pg_catalog, pg_toast, pg_temp_N, information_schema. */
const USER_SCHEMA = `left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'`
const RELATIONS = `c.relkind IN ('r', 'p', 'v', 'm', 'f')`
const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`

export const sample = (names: string[]): string => (names.length > SAMPLE ? `${listNames(names.slice(0, SAMPLE), SAMPLE)} and more` : listNames(names, SAMPLE))

export async function postgresPrivileges(run: SqlRunner): Promise<LoginPrivileges> {
  const findings: PrivilegeFinding[] = []
  const [role] = await run(`SELECT r.rolname AS name, r.rolsuper AS super, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
      r.rolreplication AS replication, r.rolbypassrls AS bypassrls
    FROM pg_roles r WHERE r.rolname = current_user`)
  if (!role) return privilegeReport([], [{ code: 'not_checked', message: 'the login role was not found in pg_roles' }])
  if (truthy(role.super)) {
    // A superuser passes every permission check: nothing below could narrow it.
    return privilegeReport([{ code: 'superuser', message: `role ${String(role.name)} is a superuser: it bypasses every grant, reads and writes server files and runs programs (COPY ... PROGRAM)` }])
  }
  if (truthy(role.createrole)) findings.push({ code: 'createrole', message: 'CREATEROLE: creates roles and grants role memberships' })
  if (truthy(role.createdb)) findings.push({ code: 'createdb', message: 'CREATEDB: creates databases' })
  if (truthy(role.replication)) findings.push({ code: 'replication', message: 'REPLICATION: streams the write-ahead log, i.e. every row of every database' })
  if (truthy(role.bypassrls)) findings.push({ code: 'bypassrls', message: 'BYPASSRLS: ignores row-level security policies' })

  const members = await run(`SELECT r.rolname AS name FROM pg_roles r
    WHERE r.rolname = ANY($1::text[]) AND pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY 1`, [Object.keys(PG_DANGEROUS_ROLES)])
  for (const m of members) {
    const name = String(m.name)
    findings.push({ code: name, message: `member of ${name}: ${PG_DANGEROUS_ROLES[name] ?? 'more than reading'}` })
  }

  const [db] = await run(`SELECT pg_has_role(d.datdba, 'MEMBER') AS owner, has_database_privilege(d.oid, 'CREATE') AS can_create
    FROM pg_database d WHERE d.datname = current_database()`)
  if (db && truthy(db.owner)) findings.push({ code: 'database_owner', message: 'owns the database: bypasses grants on it and may change or drop it' })
  else if (db && truthy(db.can_create)) findings.push({ code: 'create_schema', message: 'CREATE on the database: creates schemas' })

  const schemas = await run(`SELECT quote_ident(n.nspname) AS name, pg_has_role(n.nspowner, 'MEMBER') AS owner
    FROM pg_namespace n WHERE ${USER_SCHEMA} AND (pg_has_role(n.nspowner, 'MEMBER') OR has_schema_privilege(n.oid, 'CREATE'))
    ORDER BY 1 LIMIT ${SAMPLE + 1}`)
  const ownedSchemas = schemas.filter((s) => truthy(s.owner)).map((s) => String(s.name))
  const createSchemas = schemas.filter((s) => !truthy(s.owner)).map((s) => String(s.name))
  if (ownedSchemas.length) findings.push({ code: 'schema_owner', message: `owns schema ${sample(ownedSchemas)}: creates and drops objects in it` })
  if (createSchemas.length) findings.push({ code: 'create_table', message: `CREATE on schema ${sample(createSchemas)}: creates tables and functions` })

  const owned = await run(`SELECT ${QUALIFIED} AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${RELATIONS} AND ${USER_SCHEMA} AND pg_has_role(c.relowner, 'MEMBER') ORDER BY 1 LIMIT ${SAMPLE + 1}`)
  if (owned.length) findings.push({ code: 'table_owner', message: `owns ${sample(owned.map((r) => String(r.name)))}: an owner bypasses grants, and may write, alter and drop` })

  const writable = await run(`SELECT ${QUALIFIED} AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${RELATIONS} AND ${USER_SCHEMA} AND NOT pg_has_role(c.relowner, 'MEMBER') AND has_schema_privilege(n.oid, 'USAGE')
      AND (has_any_column_privilege(c.oid, 'INSERT') OR has_any_column_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')
        OR has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER'))
    ORDER BY 1 LIMIT ${SAMPLE + 1}`)
  if (writable.length) findings.push({ code: 'write_grant', message: `INSERT, UPDATE, DELETE, TRUNCATE or TRIGGER on ${sample(writable.map((r) => String(r.name)))}` })

  return privilegeReport(findings)
}
