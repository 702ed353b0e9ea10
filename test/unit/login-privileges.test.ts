// The pure parts of the login privilege check: reading SHOW GRANTS lines
// (MariaDB 10.11, MySQL 8, ClickHouse), classifying them, following roles,
// and how SQL Server's answers collapse into findings.
import { describe, expect, it } from 'vitest'
import { clickhouseGrantFindings, clickhousePrivileges } from '../../connectors/clickhouse/privileges'
import { MSSQL_LOGIN_CHECKS, MSSQL_LOGIN_SQL, mssqlPrivileges } from '../../connectors/mssql/privileges'
import { mysqlGrantFindings, mysqlPrivileges } from '../../connectors/mysql/privileges'
import { parseGrantLine, privilegeReport, type GrantLine } from '../../connectors/shared/privileges'

const grants = (...lines: string[]): GrantLine[] => lines.map((l) => parseGrantLine(l)).filter((g): g is GrantLine => g !== null)
const codes = (fs: Array<{ code: string }>) => fs.map((f) => f.code)

describe('parseGrantLine', () => {
  it.each([
    ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket WITH GRANT OPTION', { privileges: ['ALL PRIVILEGES'], on: '*.*', roles: [], grantOption: true }],
    ["GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*2B602296A79E0A8784ACC5C88D92E46588CCA3C3'", { privileges: ['USAGE'], on: '*.*', roles: [], grantOption: false }],
    ['GRANT SELECT, SELECT (`a`), INSERT (`b`, `c`) ON `shop`.`orders` TO `u`@`%`', { privileges: ['SELECT', 'SELECT', 'INSERT'], on: '`shop`.`orders`', roles: [], grantOption: false }],
    ['GRANT SELECT, SHOW VIEW ON `shop`.* TO `u`@`%`', { privileges: ['SELECT', 'SHOW VIEW'], on: '`shop`.*', roles: [], grantOption: false }],
    ['GRANT EXECUTE ON PROCEDURE `shop`.`refresh` TO `u`@`%`', { privileges: ['EXECUTE'], on: 'PROCEDURE `shop`.`refresh`', roles: [], grantOption: false }],
    ['GRANT `analyst`, `writer` TO `u`@`%`', { privileges: [], on: null, roles: [{ name: 'analyst' }, { name: 'writer' }], grantOption: false }],
    ['GRANT `r1`@`%` TO `u`@`localhost` WITH ADMIN OPTION', { privileges: [], on: null, roles: [{ name: 'r1', host: '%' }], grantOption: true }],
    // MySQL 8 lists static privileges one by one, and dynamic ones after.
    ['GRANT SELECT, INSERT, FILE, SUPER ON *.* TO `root`@`localhost`', { privileges: ['SELECT', 'INSERT', 'FILE', 'SUPER'], on: '*.*', roles: [], grantOption: false }],
    ['GRANT BACKUP_ADMIN,BINLOG_ADMIN ON *.* TO `root`@`localhost`', { privileges: ['BACKUP_ADMIN', 'BINLOG_ADMIN'], on: '*.*', roles: [], grantOption: false }],
    // Names that contain the keywords, quotes and parentheses.
    ['GRANT SELECT ON `on to`.`a``b (x)` TO `to on`@`%`', { privileges: ['SELECT'], on: '`on to`.`a``b (x)`', roles: [], grantOption: false }],
    // ClickHouse.
    ['GRANT SHOW TABLES, SELECT(id, amount) ON shop.orders TO nexatron_ro', { privileges: ['SHOW TABLES', 'SELECT'], on: 'shop.orders', roles: [], grantOption: false }],
    ['GRANT ALL ON *.* TO default WITH GRANT OPTION', { privileges: ['ALL'], on: '*.*', roles: [], grantOption: true }],
    ['GRANT analysts TO nexatron_ro', { privileges: [], on: null, roles: [{ name: 'analysts' }], grantOption: false }],
  ])('reads %s', (line, expected) => {
    expect(parseGrantLine(line)).toEqual(expected)
  })

  it.each([
    'SET DEFAULT ROLE `r` FOR `u`@`%`',
    'REVOKE INSERT ON shop.orders FROM u',
    "GRANT SELECT ON `unterminated TO `u`@`%`",
    'GRANT SELECT ON shop.orders',
    '',
  ])('ignores %j', (line) => {
    expect(parseGrantLine(line)).toBeNull()
  })

  it('never keeps what follows the grantee (password hashes)', () => {
    const g = parseGrantLine("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*2B602296A79E0A8784ACC5C88D92E46588CCA3C3'")
    expect(JSON.stringify(g)).not.toContain('2B6022')
  })
})

describe('MySQL / MariaDB grant findings', () => {
  it('reads root (ALL PRIVILEGES ON *.* WITH GRANT OPTION) as FILE, SUPER, ALL and GRANT OPTION', () => {
    const fs = mysqlGrantFindings(grants('GRANT ALL PRIVILEGES ON *.* TO `root`@`127.0.0.1` WITH GRANT OPTION', "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION"))
    expect(codes(fs)).toEqual(['file', 'super', 'all_privileges', 'proxy', 'grant_option', 'grant_option'])
    expect(fs[0].message).toMatch(/^FILE: reads and writes files/)
  })

  it('finds nothing in SELECT and SHOW VIEW on a database or table, USAGE and SHOW DATABASES globally', () => {
    expect(mysqlGrantFindings(grants(
      'GRANT USAGE, SHOW DATABASES ON *.* TO `u`@`%`',
      'GRANT SELECT, SHOW VIEW ON `shop`.* TO `u`@`%`',
      'GRANT SELECT (`a`) ON `shop`.`orders` TO `u`@`%`',
    ))).toEqual([])
  })

  it('groups write and DDL grants per object', () => {
    const fs = mysqlGrantFindings(grants(
      'GRANT SELECT, INSERT, UPDATE ON `shop`.`orders` TO `u`@`%`',
      'GRANT DELETE ON `shop`.`orders` TO `u`@`%`',
      'GRANT CREATE, DROP, CREATE TEMPORARY TABLES ON `shop`.* TO `u`@`%`',
      'GRANT INSERT (`b`) ON `shop`.`customers` TO `u`@`%`',
      'GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `u`@`%`',
    ))
    expect(fs).toEqual([
      { code: 'write_grant', message: 'INSERT, UPDATE, DELETE ON `shop`.`orders`: can change data' },
      { code: 'write_grant', message: 'INSERT ON `shop`.`customers`: can change data' },
      { code: 'ddl_grant', message: 'CREATE, DROP, CREATE TEMPORARY TABLES ON `shop`.*: can create, change or drop objects' },
      { code: 'execute_grant', message: 'EXECUTE ON PROCEDURE `shop`.`p`: runs stored routines, which may write' },
    ])
  })

  it('flags any global privilege but USAGE and SHOW DATABASES: SELECT ON *.* reads the mysql tables', () => {
    const fs = mysqlGrantFindings(grants('GRANT SELECT, PROCESS, RELOAD, BINLOG_ADMIN ON *.* TO `u`@`%`'))
    expect(codes(fs)).toEqual(['admin_privilege', 'global_read'])
    expect(fs[1].message).toMatch(/password hashes/)
  })

  it('follows roles with SHOW GRANTS FOR, and reports a role it cannot read as unknown', async () => {
    const asked: string[] = []
    const show = async (sql: string) => {
      asked.push(sql)
      if (sql === 'SHOW GRANTS') return ['GRANT `reader`, `hidden` TO `u`@`%`', 'GRANT SELECT ON `shop`.* TO `u`@`%`']
      if (sql === 'SHOW GRANTS FOR `reader`') return ['GRANT SELECT ON `shop`.* TO `reader`']
      throw new Error("Access denied for user 'u'@'%' to database 'mysql'")
    }
    const r = await mysqlPrivileges(show)
    expect(asked).toEqual(['SHOW GRANTS', 'SHOW GRANTS FOR `reader`', 'SHOW GRANTS FOR `hidden`'])
    expect(r.level).toBe('unknown')
    expect(r.findings).toEqual([{ code: 'role_not_checked', message: 'role hidden is granted to this login but its grants cannot be read by it' }])
  })

  it('is elevated through a role, and quotes role names it sends back', async () => {
    const asked: string[] = []
    const r = await mysqlPrivileges(async (sql) => {
      asked.push(sql)
      if (sql === 'SHOW GRANTS') return ['GRANT `we``ird`@`%` TO `u`@`%`']
      return ['GRANT INSERT ON `shop`.`orders` TO `we``ird`@`%`', 'GRANT `we``ird`@`%` TO `we``ird`@`%`']
    })
    expect(asked).toEqual(['SHOW GRANTS', 'SHOW GRANTS FOR `we``ird`@`%`'])
    expect(r).toEqual({ level: 'elevated', findings: [{ code: 'write_grant', message: 'INSERT ON `shop`.`orders`: can change data' }] })
  })
})

describe('ClickHouse grant findings', () => {
  const rbac = grants('GRANT SHOW TABLES, SELECT ON shop.* TO u', 'GRANT INSERT, ALTER UPDATE ON shop.orders TO u', 'GRANT URL ON *.* TO u')

  it('readonly=0: writes, DDL and sources are findings', () => {
    expect(codes(clickhouseGrantFindings(rbac, '0'))).toEqual(['sources', 'write_grant'])
  })
  it('readonly=2: writes are refused by the profile, table-function sources are not', () => {
    expect(codes(clickhouseGrantFindings(rbac, '2'))).toEqual(['sources'])
    expect(codes(clickhouseGrantFindings(grants('GRANT ALL ON *.* TO default'), '2'))).toEqual(['all_privileges'])
  })
  it('readonly=1: nothing, whatever the grants', async () => {
    expect(clickhouseGrantFindings(grants('GRANT ALL ON *.* TO default WITH GRANT OPTION'), '1')).toEqual([])
    expect(await clickhousePrivileges('1', async () => { throw new Error('not asked') })).toEqual({ level: 'read_only', findings: [] })
  })
  it('without SQL access control (18.x), readonly=0 is elevated and readonly=2 is not', async () => {
    expect(codes((await clickhousePrivileges('0', async () => null)).findings)).toEqual(['readonly_off'])
    expect(await clickhousePrivileges('2', async () => null)).toEqual({ level: 'read_only', findings: [] })
  })
  it('follows plain role names, and leaves others unchecked', async () => {
    const r = await clickhousePrivileges('0', async (role) => {
      if (!role) return ['GRANT SELECT ON shop.* TO u', 'GRANT writers, `odd name` TO u']
      return role === 'writers' ? ['GRANT INSERT ON shop.orders TO writers'] : []
    })
    expect(r.level).toBe('elevated')
    expect(codes(r.findings)).toEqual(['write_grant', 'role_not_checked'])
  })
})

describe('SQL Server findings', () => {
  const answer = (has: string[], writable: string[] = []) => async (sql: string) =>
    sql === MSSQL_LOGIN_SQL ? [MSSQL_LOGIN_CHECKS.map((c) => (has.includes(c.name) ? 1 : 0))] : writable.map((w) => [w])

  it('names one column per check', () => {
    expect(MSSQL_LOGIN_SQL).toMatch(/^SELECT IS_SRVROLEMEMBER\('sysadmin'\) AS \[sysadmin\], /)
    expect(new Set(MSSQL_LOGIN_CHECKS.map((c) => c.name)).size).toBe(MSSQL_LOGIN_CHECKS.length)
  })
  it('is read_only with nothing, elevated with a database role or a table it may write', async () => {
    expect(await mssqlPrivileges(answer([]))).toEqual({ level: 'read_only', findings: [] })
    expect(codes((await mssqlPrivileges(answer(['db_ddladmin', 'db_create_table']))).findings)).toEqual(['db_ddladmin', 'db_create_table'])
    expect((await mssqlPrivileges(answer([], ['[dbo].[orders]']))).findings).toEqual([{ code: 'write_permission', message: 'INSERT, UPDATE, DELETE or ALTER on [dbo].[orders]' }])
  })
  it('lists the cause, not each implied permission, for sysadmin and db_owner', async () => {
    expect(codes((await mssqlPrivileges(answer(['sysadmin', 'control_server', 'dbcreator', 'db_owner', 'db_insert']))).findings)).toEqual(['sysadmin', 'dbcreator', 'control_server'])
    expect(codes((await mssqlPrivileges(answer(['db_owner', 'db_datawriter', 'db_insert', 'db_control']))).findings)).toEqual(['db_owner', 'db_datawriter', 'db_control'])
  })
})

describe('privilegeReport', () => {
  it('is elevated over unknown over read_only, and caps the findings', () => {
    expect(privilegeReport([], []).level).toBe('read_only')
    expect(privilegeReport([], [{ code: 'x', message: 'x' }]).level).toBe('unknown')
    const many = Array.from({ length: 100 }, (_, i) => ({ code: 'write_grant', message: `t${i}` }))
    const r = privilegeReport(many)
    expect(r.level).toBe('elevated')
    expect(r.findings).toHaveLength(40)
    expect(r.findings[39]).toEqual({ code: 'more', message: 'and 61 more findings' })
  })
})
