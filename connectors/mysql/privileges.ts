// What a MySQL / MariaDB login may do beyond reading, from SHOW GRANTS (the
// login's own grants, plus those of its roles where the server shows them).
import type { LoginPrivileges, PrivilegeFinding } from '../connector'
import { listNames, parseGrantLine, privilegeReport, type GrantLine } from '../shared/privileges'

/** Privileges that only read (on a database, table or column). */
const READ = new Set(['SELECT', 'SHOW VIEW', 'USAGE'])
/** Global privileges that only read metadata everyone may see. */
const GLOBAL_HARMLESS = new Set(['USAGE', 'SHOW DATABASES'])
const WRITE = new Set(['INSERT', 'UPDATE', 'DELETE', 'DELETE HISTORY', 'LOCK TABLES'])
const DDL = new Set(['CREATE', 'DROP', 'ALTER', 'INDEX', 'CREATE VIEW', 'CREATE TEMPORARY TABLES', 'TRIGGER', 'EVENT', 'CREATE ROUTINE', 'ALTER ROUTINE', 'REFERENCES', 'CREATE TABLESPACE'])
/** Roles followed through SHOW GRANTS FOR, at most. */
const MAX_ROLES = 20

const ORDER = ['file', 'super', 'all_privileges', 'proxy', 'admin_privilege', 'global_read', 'write_grant', 'ddl_grant', 'execute_grant', 'other_privilege', 'grant_option']

/** Findings for parsed grant lines (role grants are followed by mysqlPrivileges). */
export function mysqlGrantFindings(grants: GrantLine[]): PrivilegeFinding[] {
  // code -> object -> privilege names, so one finding says `INSERT, UPDATE ON `shop`.*`.
  const groups = new Map<string, Map<string, Set<string>>>()
  const add = (code: string, on: string, privilege: string) => {
    const byObject = groups.get(code) ?? new Map<string, Set<string>>()
    groups.set(code, byObject)
    const set = byObject.get(on) ?? new Set<string>()
    byObject.set(on, set)
    set.add(privilege)
  }
  for (const g of grants) {
    if (g.on === null) continue
    const on = g.on
    const global = on === '*.*'
    for (const raw of g.privileges) {
      const p = raw === 'ALL PRIVILEGES' ? 'ALL' : raw
      if (p === 'ALL') {
        add('all_privileges', on, 'ALL PRIVILEGES')
        if (global) { add('file', on, 'FILE'); add('super', on, 'SUPER') }
      } else if (p === 'FILE') add('file', on, p)
      else if (p === 'SUPER') add('super', on, p)
      else if (p === 'PROXY') add('proxy', on, p)
      else if (global) {
        if (GLOBAL_HARMLESS.has(p)) continue
        if (READ.has(p)) add('global_read', on, p)
        else if (WRITE.has(p)) add('write_grant', on, p)
        else if (DDL.has(p)) add('ddl_grant', on, p)
        else add('admin_privilege', on, p)
      } else if (READ.has(p)) continue
      else if (WRITE.has(p)) add('write_grant', on, p)
      else if (DDL.has(p)) add('ddl_grant', on, p)
      else if (p === 'EXECUTE') add('execute_grant', on, p)
      else add('other_privilege', on, p)
    }
    if (g.grantOption) add('grant_option', on, 'WITH GRANT OPTION')
  }
  const findings: PrivilegeFinding[] = []
  for (const code of ORDER) {
    for (const [on, set] of groups.get(code) ?? []) findings.push({ code, message: describe(code, [...set], on) })
  }
  return findings
}

function describe(code: string, privileges: string[], on: string): string {
  const what = `${listNames(privileges, 8)} ON ${on}`
  switch (code) {
    case 'file': return `FILE${on === '*.*' ? '' : ` ON ${on}`}: reads and writes files on the database server (LOAD_FILE, SELECT ... INTO OUTFILE)`
    case 'super': return `SUPER${on === '*.*' ? '' : ` ON ${on}`}: administers the server and ignores read_only`
    case 'all_privileges': return `${what}: every privilege${on === '*.*' ? ' on every database, FILE and SUPER included' : ', writes and DDL included'}`
    case 'proxy': return `PROXY ON ${on}: can act as another account`
    case 'admin_privilege': return `${what}: server administration`
    case 'global_read': return `${what}: reads every database, the mysql system tables (password hashes) included`
    case 'write_grant': return `${what}: can change data`
    case 'ddl_grant': return `${what}: can create, change or drop objects`
    case 'execute_grant': return `${what}: runs stored routines, which may write`
    case 'grant_option': return `WITH GRANT OPTION ON ${on}: can pass its privileges on to other accounts`
    default: return `${what}: more than reading`
  }
}

/** A role as SHOW GRANTS FOR takes it, from the names the server printed. */
function roleSpec(r: { name: string; host?: string }): string {
  const q = (s: string) => `\`${s.replace(/`/g, '``')}\``
  return r.host === undefined ? q(r.name) : `${q(r.name)}@${q(r.host)}`
}

/**
 * The login's report. `show(sql)` runs SHOW GRANTS statements and returns the
 * first column of each row. Roles granted to the login are followed with
 * SHOW GRANTS FOR when the server allows it (MariaDB: active roles); a role
 * whose grants cannot be read makes the report `unknown` unless something
 * else already elevates it.
 */
export async function mysqlPrivileges(show: (sql: string) => Promise<string[]>): Promise<LoginPrivileges> {
  const grants: GrantLine[] = []
  const unchecked: PrivilegeFinding[] = []
  const seen = new Set<string>()
  const queue: Array<{ name: string; host?: string }> = []
  const take = (lines: string[]) => {
    for (const line of lines) {
      const g = parseGrantLine(line)
      if (!g) continue
      grants.push(g)
      for (const r of g.roles) {
        const spec = roleSpec(r)
        if (!seen.has(spec)) { seen.add(spec); queue.push(r) }
      }
    }
  }
  take(await show('SHOW GRANTS'))
  for (let n = 0; queue.length > 0; n++) {
    const role = queue.shift()!
    if (n >= MAX_ROLES) { unchecked.push({ code: 'role_not_checked', message: `role ${role.name}: not checked (more than ${MAX_ROLES} roles)` }); continue }
    try {
      take(await show(`SHOW GRANTS FOR ${roleSpec(role)}`))
    } catch {
      unchecked.push({ code: 'role_not_checked', message: `role ${role.name} is granted to this login but its grants cannot be read by it` })
    }
  }
  const elevated = mysqlGrantFindings(grants)
  const unique = (fs: PrivilegeFinding[]) => fs.filter((f, i) => fs.findIndex((g) => g.code === f.code && g.message === f.message) === i)
  return privilegeReport(unique(elevated), unique(unchecked))
}
