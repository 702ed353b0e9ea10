// Red-team pass 20: caches are emptied by NOTIFY nexatron_changes on the
// store (src/store/change-feed.ts). A tenant whose warehouse connection points
// at the store's own database must not be able to send, suppress or answer
// those notices through a question's SQL: a flood would empty every
// instance's caches, and killing an instance's listening session or its pooled
// ones is an attack on the service. The SQL guard is the one gate.
import { describe, expect, it } from 'vitest'
import { guardSql, SqlGuardError } from '../../src/security/sql-guard'

const ATTEMPTS = [
  `SELECT pg_notify('nexatron_changes', 'api_keys') FROM orders`,
  `SELECT "pg_notify"('nexatron_changes', '*')`,
  `SELECT pg_catalog.pg_notify('nexatron_changes', '*')`,
  `SELECT PG_NOTIFY('nexatron_changes', '*')`,
  `SELECT id FROM orders WHERE pg_notify('nexatron_changes', 'connections') IS NULL`,
  `WITH n AS (SELECT pg_notify('nexatron_changes', 'users')) SELECT * FROM orders, n`,
  `NOTIFY nexatron_changes, 'api_keys'`,
  `LISTEN nexatron_changes`,
  `UNLISTEN *`,
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN nexatron_changes'`,
  `SELECT pg_cancel_backend(1)`,
  `SELECT pg_notification_queue_usage()`,
  `SELECT pg_listening_channels()`,
]

describe('a question\'s SQL and the store\'s change notices', () => {
  for (const dialect of ['postgres', 'redshift'] as const) {
    it.each(ATTEMPTS)(`refuses on ${dialect}: %s`, (sql) => {
      expect(() => guardSql(sql, { dialect, allowedRelations: ['orders'] })).toThrow(SqlGuardError)
    })
  }

  it('does not let a connection allow pg_notify as a configurable function', () => {
    expect(() => guardSql('SELECT 1 FROM orders', { dialect: 'postgres', allowedRelations: ['orders'], allowFunctions: ['pg_notify'] })).toThrow(/pg_notify cannot be enabled/)
  })
})
