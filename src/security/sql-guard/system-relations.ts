// System catalogs are never data, whatever the allow list says. The allow list
// is the connection's semantic layer, and whoever may write the layer (the
// semantic:write scope, not only admins) could name a model over
// pg_catalog.pg_class or system.query_log and read through it what the
// function deny list refuses as catalog probes and server information:
// which tables and databases exist, roles, settings, other sessions' queries.
// Names are the folded parts of a reference as the engine resolves them.
import type { DialectName } from '../../../semantic/types'

/** Schemas (databases in MySQL and ClickHouse) that hold the engine's catalogs, lower-cased. */
const SYSTEM_SCHEMAS: Record<DialectName, ReadonlySet<string>> = {
  postgres: new Set(['pg_catalog', 'information_schema', 'pg_toast']),
  redshift: new Set(['pg_catalog', 'information_schema', 'pg_toast', 'pg_internal', 'pg_automv']),
  mysql: new Set(['information_schema', 'mysql', 'performance_schema', 'sys']),
  clickhouse: new Set(['system', 'information_schema']),
  mssql: new Set(['sys', 'information_schema']),
  snowflake: new Set(['information_schema']),
  bigquery: new Set(['information_schema']),
}

// Unqualified names the engine looks up in its catalog before (or instead of)
// the default schema: PostgreSQL searches pg_catalog first, Redshift keeps its
// system tables and views there too, SQL Server resolves the old
// compatibility views in any database.
const PG_CATALOG_FIRST = /^pg_/
const REDSHIFT_SYSTEM = /^(pg_|stl_|stv_|svl_|svv_|sys_|svcs_|stcs_|stll_)/
const MSSQL_COMPAT_VIEWS = new Set([
  'sysobjects', 'syscolumns', 'sysindexes', 'sysindexkeys', 'syscomments', 'sysdepends', 'sysfilegroups', 'sysfiles', 'sysforeignkeys',
  'sysfulltextcatalogs', 'sysmembers', 'syspermissions', 'sysprotects', 'sysreferences', 'systypes', 'sysusers', 'sysconstraints',
  'sysdatabases', 'syslogins', 'sysprocesses', 'sysservers', 'sysremotelogins', 'syslockinfo', 'sysperfinfo', 'syscacheobjects',
  'syscharsets', 'sysconfigures', 'syscurconfigs', 'syslanguages', 'sysmessages', 'sysoledbusers', 'sysaltfiles', 'sysdevices', 'sysxlogins',
])

/** Whether a folded reference names a system catalog (then it is refused even when allowed). */
export function isSystemRelation(folded: string[], dialect: DialectName): boolean {
  const schemas = SYSTEM_SCHEMAS[dialect]
  const qualifiers = folded.slice(0, -1).map((p) => p.toLowerCase())
  if (qualifiers.some((q) => schemas.has(q) || (dialect === 'postgres' || dialect === 'redshift' ? q.startsWith('pg_temp') || q.startsWith('pg_toast') : false))) return true
  const last = folded[folded.length - 1]
  switch (dialect) {
    case 'postgres': return folded.length === 1 && PG_CATALOG_FIRST.test(last)
    case 'redshift': return folded.length === 1 && REDSHIFT_SYSTEM.test(last)
    case 'mssql': return folded.length === 1 && MSSQL_COMPAT_VIEWS.has(last.toLowerCase())
    // The shared SNOWFLAKE database holds ACCOUNT_USAGE (every user's queries and logins).
    case 'snowflake': return folded.length === 3 && folded[0] === 'SNOWFLAKE'
    // `region-us`.INFORMATION_SCHEMA.JOBS, dataset.__TABLES__: job history and table metadata.
    case 'bigquery': return last.toLowerCase() === 'information_schema' || /^__.*__$/.test(last) || qualifiers.some((q) => q.startsWith('region-'))
    default: return false
  }
}
