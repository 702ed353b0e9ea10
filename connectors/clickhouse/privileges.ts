// What a ClickHouse login may do beyond reading. Two things decide it: the
// profile's `readonly` setting (1: reads only, no table functions; 2: reads
// and settings, table functions allowed; 0: anything the grants allow) and,
// on servers with SQL access control (20.x and newer), SHOW GRANTS. Servers
// without it (18.x, 19.x: users.xml only) have no grants: readonly=0 there
// means the login may write and change the schema.
import type { LoginPrivileges, PrivilegeFinding } from '../connector'
import { listNames, parseGrantLine, privilegeReport, type GrantLine } from '../shared/privileges'

/** Grants that only read data or metadata. */
const READ = /^(SELECT|SHOW( .*)?|DICTGET|USAGE|NONE|INTROSPECTION( .*)?|ADDRESSTOLINE.*|ADDRESSTOSYMBOL|DEMANGLE)$/
/** Grants that reach outside the server's tables: table functions over files, URLs, other servers. */
const SOURCES = /^(SOURCES|FILE|URL|REMOTE|MONGO|MONGODB|MYSQL|POSTGRES|SQLITE|ODBC|JDBC|HDFS|S3|HIVE|AZURE|REDIS|KAFKA|NATS|RABBITMQ|SOURCE .*|.* SOURCE)$/
const MAX_ROLES = 20

/** Findings for parsed grant lines, given the profile's readonly level. */
export function clickhouseGrantFindings(grants: GrantLine[], readonly: '0' | '1' | '2'): PrivilegeFinding[] {
  if (readonly === '1') return []
  const all: string[] = []
  const sources: string[] = []
  const writes: string[] = []
  const grantOption: string[] = []
  for (const g of grants) {
    if (g.on === null) continue
    for (const p of g.privileges) {
      if (p === 'ALL' || p === 'ALL PRIVILEGES') all.push(`ALL ON ${g.on}`)
      else if (SOURCES.test(p)) sources.push(`${p} ON ${g.on}`)
      else if (!READ.test(p) && readonly === '0') writes.push(`${p} ON ${g.on}`)
    }
    if (g.grantOption) grantOption.push(g.on)
  }
  const findings: PrivilegeFinding[] = []
  if (all.length) findings.push({ code: 'all_privileges', message: `${listNames(all)}: every privilege, ${readonly === '0' ? 'writes, DDL and ' : ''}table functions over files, URLs and other servers included` })
  if (sources.length) findings.push({ code: 'sources', message: `${listNames(sources)}: table functions that read server files or reach other servers (file, url, remote, ...)` })
  if (writes.length) findings.push({ code: 'write_grant', message: `${listNames(writes, 8)}: more than reading, and the profile allows it (readonly=0)` })
  if (grantOption.length) findings.push({ code: 'grant_option', message: `WITH GRANT OPTION on ${listNames(grantOption)}: can pass its privileges on` })
  return findings
}

const NO_ACCESS_CONTROL: PrivilegeFinding = {
  code: 'readonly_off',
  message: "the login's profile allows writes and DDL (readonly=0), and this server has no SQL access control (GRANT) to narrow it; put the user in a profile with readonly=2 (or 1)",
}

/**
 * The login's report. `readonly` is the profile's level; `showGrants(forRole?)`
 * returns SHOW GRANTS lines, or null when the server has no SQL access control.
 */
export async function clickhousePrivileges(readonly: '0' | '1' | '2', showGrants: (role?: string) => Promise<string[] | null>): Promise<LoginPrivileges> {
  // readonly=1 refuses writes, DDL, setting changes and table functions, whatever the grants.
  if (readonly === '1') return privilegeReport([])
  const lines = await showGrants()
  if (lines === null) return privilegeReport(readonly === '0' ? [NO_ACCESS_CONTROL] : [])
  const grants: GrantLine[] = []
  const unchecked: PrivilegeFinding[] = []
  const seen = new Set<string>()
  const queue: string[] = []
  const take = (ls: string[]) => {
    for (const line of ls) {
      const g = parseGrantLine(line)
      if (!g) continue
      grants.push(g)
      for (const r of g.roles) if (!seen.has(r.name)) { seen.add(r.name); queue.push(r.name) }
    }
  }
  take(lines)
  for (let n = 0; queue.length > 0; n++) {
    const role = queue.shift()!
    // Only plain names are sent back to the server; anything else is reported unchecked.
    if (n >= MAX_ROLES || !/^[A-Za-z0-9_]+$/.test(role)) { unchecked.push({ code: 'role_not_checked', message: `role ${role} is granted to this login; its grants were not checked` }); continue }
    try {
      take((await showGrants(role)) ?? [])
    } catch {
      unchecked.push({ code: 'role_not_checked', message: `role ${role} is granted to this login but its grants cannot be read by it` })
    }
  }
  return privilegeReport(clickhouseGrantFindings(grants, readonly), unchecked)
}
