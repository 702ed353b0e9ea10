// Privileged logins are a finding, not a default. Each connection's login is
// checked (Connector.privileges(): fixed catalog queries in the connector's
// read-only sessions) when the connection is created, on /test, and before
// its connector is first used after a start or a change; a login that can do
// more than read is refused with 422 `elevated_login` unless the connection
// sets `options.allow_elevated_login: true`.
import { ConnectorError, type Connector, type LoginPrivileges } from '../../connectors/connector'
import { AppError } from '../errors'

/** A login's report as the API shows it. */
export interface PrivilegeReport extends LoginPrivileges { checked_at: string }

/** What the check needs of a connection row. */
export interface CheckedRow { id: string; updatedAt: Date; options: unknown }

/** How long creating a connection waits for the check; past it, the check happens on first use. */
export const CREATE_CHECK_MS = 5_000

const allowed = (row: CheckedRow) => (row.options as { allow_elevated_login?: unknown } | null)?.allow_elevated_login === true

/** Throws 422 `elevated_login` (details: the findings) when the report is elevated and the connection does not allow it. */
export function assertLoginAllowed(row: CheckedRow, report: LoginPrivileges): void {
  if (report.level !== 'elevated' || allowed(row)) return
  const codes = [...new Set(report.findings.map((f) => f.code))].slice(0, 6).join(', ')
  throw new AppError('elevated_login',
    `the connection's login can do more than read (${codes}): give Nexatron a read-only login, or set options.allow_elevated_login to true to accept the risk`,
    report.findings.map((f) => ({ path: 'options.allow_elevated_login', issue: f.code, message: f.message })))
}

/** Runs the connector's check; a catalog query the engine refuses makes the report `unknown`, not an error. */
export async function checkLogin(connector: Connector): Promise<PrivilegeReport> {
  const checked_at = new Date().toISOString()
  if (!connector.privileges) {
    return { level: 'unknown', findings: [{ code: 'not_checked', message: `the ${connector.type} connector does not check its login's privileges` }], checked_at }
  }
  try {
    const r = await connector.privileges()
    return { level: r.level, findings: r.findings, checked_at }
  } catch (err) {
    // Reaching the database failed: the caller sees the same error a query would.
    if (!(err instanceof ConnectorError) || (err.code !== 'query_failed' && err.code !== 'permission_denied')) throw err
    return { level: 'unknown', findings: [{ code: 'check_failed', message: `the privilege check could not run: ${err.message}` }], checked_at }
  }
}

interface Entry { version: number; report: Promise<PrivilegeReport>; settled?: PrivilegeReport }

/** One report per connection and version (its updatedAt), shared by concurrent callers. */
export class LoginChecks {
  private readonly cache = new Map<string, Entry>()

  /** The report for this connector of `row`, checked once per version; a failed check is retried on the next call. */
  report(row: CheckedRow, connector: Connector): Promise<PrivilegeReport> {
    const version = row.updatedAt.getTime()
    const hit = this.cache.get(row.id)
    if (hit && hit.version === version) return hit.report
    const entry: Entry = { version, report: checkLogin(connector) }
    this.cache.set(row.id, entry)
    entry.report.then((r) => { entry.settled = r }, () => { if (this.cache.get(row.id) === entry) this.cache.delete(row.id) })
    return entry.report
  }

  /** `connector`, once its login is known to be acceptable for `row`; throws AppError `elevated_login` otherwise. */
  async admit(row: CheckedRow, connector: Connector): Promise<Connector> {
    assertLoginAllowed(row, await this.report(row, connector))
    return connector
  }

  /** Records a report made for `row` before it was stored (the create-time check). */
  remember(row: CheckedRow, report: PrivilegeReport): void {
    this.cache.set(row.id, { version: row.updatedAt.getTime(), report: Promise.resolve(report), settled: report })
  }

  /** The finished report for this version of `row`, if one was made by this process. */
  known(row: CheckedRow): PrivilegeReport | undefined {
    const hit = this.cache.get(row.id)
    return hit && hit.version === row.updatedAt.getTime() ? hit.settled : undefined
  }

  forget(id: string): void {
    this.cache.delete(id)
  }

  /**
   * The create-time check: `open` builds (and admits) a connector for a draft
   * of the row, `close` disposes of it. Throws only `elevated_login`; any
   * other failure (unreachable, wrong password, a check that takes longer
   * than `budgetMs`) lets creation go on as before, and the login is checked
   * on /test and before first use. Returns the report when there is one.
   */
  async vet(draft: CheckedRow, open: () => Promise<Connector>, close: () => Promise<void>, budgetMs = CREATE_CHECK_MS): Promise<PrivilegeReport | undefined> {
    const attempt = open().then((c) => this.report(draft, c))
    // Whatever happens, the draft's connector is closed once the attempt ends.
    void attempt.then(close, close).catch(() => {})
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), budgetMs) })
    try {
      return await Promise.race([attempt, late])
    } catch (err) {
      if (err instanceof AppError && err.code === 'elevated_login') throw err
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }
}
