// Child process for postgres-large.test.ts: streams a large generate_series
// from Postgres through the connector while consuming slowly, and reports heap
// samples taken right after forced GCs (run with --expose-gc). A separate
// process keeps the measurement free of the test runner's own allocations.
import { createPostgresConnector } from '../../connectors/postgres/connector'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

const rows = Number(process.env.PROBE_ROWS ?? 1_000_000)
const connector = createPostgresConnector({
  type: 'postgres',
  config: { host: process.env.PROBE_PG_HOST ?? '127.0.0.1', port: Number(process.env.PROBE_PG_PORT ?? 5432), database: 'postgres', user: 'postgres', ssl: 'disable' },
  credentials: {},
})

const heap = () => { gc(); return process.memoryUsage().heapUsed }
const samples: number[] = []
let count = 0
let sum = 0
let batches = 0
const started = Date.now()
const baseline = heap()
for await (const batch of connector.stream(
  { sql: `SELECT g AS n, md5(g::text) AS h, now() AS t FROM generate_series(1, ${rows}) AS g`, params: [] },
  { signal: new AbortController().signal, maxRows: rows * 2, timeoutMs: 300_000, batchSize: 2_000 },
)) {
  batches++
  for (const r of batch.rows) { count++; sum += Number(r[0]) }
  // A slow consumer: yield to the event loop (and let the socket fill) often.
  if (batches % 25 === 0) { await new Promise((r) => setTimeout(r, 5)); samples.push(heap()) }
}
await connector.close()
process.stdout.write(JSON.stringify({ count, sum, batches, baseline, samples, ms: Date.now() - started }) + '\n')
