// What a SQL Server login may do beyond reading: fixed server and database
// roles, server and database permissions (HAS_PERMS_BY_NAME gives the
// effective answer, through roles and groups), and write permissions on the
// tables and views it can see.
import type { LoginPrivileges, PrivilegeFinding } from '../connector'
import { listNames, privilegeReport, truthy } from '../shared/privileges'

type Scope = 'server' | 'database'
interface Check { name: string; expr: string; scope: Scope; role: boolean; message: string }

const server = (role: string, message: string): Check => ({ name: role, expr: `IS_SRVROLEMEMBER('${role}')`, scope: 'server', role: true, message: `member of the ${role} server role: ${message}` })
const serverPerm = (perm: string, message: string): Check => ({ name: perm.toLowerCase().replace(/ /g, '_'), expr: `HAS_PERMS_BY_NAME(NULL, NULL, '${perm}')`, scope: 'server', role: false, message: `${perm} on the server: ${message}` })
const dbRole = (role: string, message: string): Check => ({ name: role, expr: `IS_MEMBER('${role}')`, scope: 'database', role: true, message: `member of ${role}: ${message}` })
const dbPerm = (perm: string, message: string): Check => ({ name: `db_${perm.toLowerCase().replace(/ /g, '_')}`, expr: `HAS_PERMS_BY_NAME(NULL, 'DATABASE', '${perm}')`, scope: 'database', role: false, message: `${perm} on the database: ${message}` })

/** One row, one column per check (named `name`), 1 when the login has it. */
export const MSSQL_LOGIN_CHECKS: readonly Check[] = [
  server('sysadmin', 'bypasses every permission (xp_cmdshell, OPENROWSET, every database)'),
  server('serveradmin', 'changes server configuration'),
  server('securityadmin', 'grants server and database permissions'),
  server('setupadmin', 'adds linked servers'),
  server('processadmin', 'kills sessions'),
  server('diskadmin', 'manages disk files'),
  server('dbcreator', 'creates, alters and drops databases'),
  server('bulkadmin', 'reads server files (BULK INSERT)'),
  serverPerm('CONTROL SERVER', 'the same as sysadmin'),
  serverPerm('ALTER ANY LOGIN', 'creates and changes logins'),
  serverPerm('ALTER ANY LINKED SERVER', 'reaches other servers'),
  serverPerm('ALTER SETTINGS', "changes server options (e.g. enables xp_cmdshell)"),
  serverPerm('ADMINISTER BULK OPERATIONS', 'reads server files (BULK INSERT, OPENROWSET(BULK))'),
  dbRole('db_owner', 'owns the database: every permission in it'),
  dbRole('db_datawriter', 'writes every table'),
  dbRole('db_ddladmin', 'creates, alters and drops objects'),
  dbRole('db_securityadmin', 'grants permissions in the database'),
  dbRole('db_accessadmin', 'adds users to the database'),
  dbRole('db_backupoperator', 'backs the database up'),
  dbPerm('CONTROL', 'every permission in the database'),
  dbPerm('ALTER', 'alters the database and its objects'),
  dbPerm('INSERT', 'inserts into every table'),
  dbPerm('UPDATE', 'updates every table'),
  dbPerm('DELETE', 'deletes from every table'),
  dbPerm('EXECUTE', 'runs every procedure and function, which may write'),
  dbPerm('CREATE TABLE', 'creates tables'),
  dbPerm('CREATE VIEW', 'creates views'),
  dbPerm('CREATE PROCEDURE', 'creates procedures'),
  dbPerm('CREATE FUNCTION', 'creates functions'),
  dbPerm('CREATE SCHEMA', 'creates schemas'),
]

export const MSSQL_LOGIN_SQL = `SELECT ${MSSQL_LOGIN_CHECKS.map((c) => `${c.expr} AS [${c.name}]`).join(', ')}`

const QUALIFIED = `QUOTENAME(s.name) + N'.' + QUOTENAME(o.name)`
const WRITE_PERMS = ['INSERT', 'UPDATE', 'DELETE', 'ALTER', 'CONTROL', 'TAKE OWNERSHIP']
export const MSSQL_WRITABLE_SQL = `SELECT TOP (21) ${QUALIFIED} AS obj FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id `
  + `WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND (${WRITE_PERMS.map((p) => `HAS_PERMS_BY_NAME(${QUALIFIED}, 'OBJECT', '${p}') = 1`).join(' OR ')}) ORDER BY obj`

/** `query(sql)` runs one catalog statement in the connector's rolled-back session and returns its rows. */
export async function mssqlPrivileges(query: (sql: string) => Promise<unknown[][]>): Promise<LoginPrivileges> {
  const [row] = await query(MSSQL_LOGIN_SQL)
  if (!row) return privilegeReport([], [{ code: 'not_checked', message: 'the permission check returned nothing' }])
  const has = new Set(MSSQL_LOGIN_CHECKS.filter((_, i) => truthy(row[i])).map((c) => c.name))
  const serverWide = has.has('sysadmin') || has.has('control_server')
  const dbWide = has.has('db_owner') || has.has('db_control')
  const findings: PrivilegeFinding[] = []
  for (const c of MSSQL_LOGIN_CHECKS) {
    if (!has.has(c.name)) continue
    // A sysadmin has everything, a db_owner everything in the database: list the cause, not each consequence.
    if (serverWide && !c.role && c.name !== 'control_server') continue
    if (serverWide && c.scope === 'database') continue
    if (dbWide && c.scope === 'database' && !c.role && c.name !== 'db_control') continue
    findings.push({ code: c.name, message: c.message })
  }
  if (!serverWide && !dbWide) {
    const objects = (await query(MSSQL_WRITABLE_SQL)).map((r) => String(r[0]))
    if (objects.length) {
      const names = objects.length > 20 ? `${listNames(objects.slice(0, 20), 20)} and more` : listNames(objects, 20)
      findings.push({ code: 'write_permission', message: `INSERT, UPDATE, DELETE or ALTER on ${names}` })
    }
  }
  return privilegeReport(findings)
}
