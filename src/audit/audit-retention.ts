// NEXATRON_AUDIT_RETENTION_DAYS: prunes records past the retention period a
// minute after start and then every hour. Each instance may run it: pruning
// locks each tenant's chain head, so two instances never prune the same
// records twice, and the second finds nothing left to do.
import type { Logger } from '../logger'
import type { AuditService } from './audit-service'

export function startAuditRetention(audit: Pick<AuditService, 'prune'>, days: number, logger: Logger, everyMs = 3_600_000): { stop(): void } {
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      const pruned = await audit.prune(days)
      if (pruned.length) logger.info({ tenants: pruned.length, records: pruned.reduce((n, p) => n + p.pruned, 0), retention_days: days }, 'pruned the audit log')
    } catch (err) {
      logger.error({ err }, 'could not prune the audit log')
    } finally {
      running = false
    }
  }
  const first = setTimeout(() => { void run() }, Math.min(60_000, everyMs))
  const timer = setInterval(() => { void run() }, everyMs)
  first.unref()
  timer.unref()
  return { stop: () => { clearTimeout(first); clearInterval(timer) } }
}
