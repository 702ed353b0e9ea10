// A job worker like the server's (audit and billing wired) with short timers,
// for tests whose app starts none, and a wait for a job to settle.
import { JobWorker } from '../../src/query/job-worker'
import type { QueryRow } from '../../src/query/history'
import type { TestApp } from './test-app'

export function testWorker(t: TestApp, fetch: typeof globalThis.fetch, opts: { concurrency?: number } = {}): JobWorker {
  const s = t.services
  return new JobWorker({
    db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
    principals: s.auth, audit: s.audit, billing: s.billing,
    hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch,
    concurrency: opts.concurrency ?? 2, maxWebhookAttempts: 1, historyRows: 100, pollMs: 20, backoffBaseMs: 20,
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The job's row once it is done and released (no worker holds it). */
export async function settledJob(t: TestApp, id: string): Promise<QueryRow> {
  for (const end = Date.now() + 10_000; Date.now() < end; await sleep(25)) {
    const row = await t.services.history.getById(id)
    if (row && row.status !== 'queued' && row.status !== 'running' && row.lockedBy === null) return row
  }
  throw new Error(`job ${id} did not settle`)
}
