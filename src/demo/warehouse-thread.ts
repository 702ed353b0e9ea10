// The demo warehouse's own thread. PGlite runs Postgres as WebAssembly on the
// thread that calls it and cannot be interrupted mid-statement, so on the
// server's thread one `generate_series(1, 1e9)` would stall every request of
// every tenant. Here it stalls only this thread, and the host
// (warehouse-host.ts) terminates the thread when a statement outlives its
// timeout and starts a fresh one from a snapshot.
//
// Protocol (host -> thread): test | introspect | stream | more | cancel, each
// with a request id; (thread -> host): result | batch | end | error, and once
// `ready` (with a snapshot of the data directory when it built the data and
// has no cache folder to save it in).
import { parentPort, workerData } from 'node:worker_threads'
import { existsSync, readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { loadConnector } from '../../connectors/registry'
import { ConnectorError } from '../../connectors/connector'
import { generateDemoDataset } from './dataset'
import { DEMO_PGLITE_OPTIONS, loadDemoDataset } from './warehouse'
import { demoDataKey, saveSnapshot, snapshotFile } from './demo-cache'
import type { HostMessage, ThreadMessage, ThreadInit } from './warehouse-protocol'
import { createSeededPglite } from '../store/cluster-seed'

const port = parentPort!
const init = workerData as ThreadInit
const post = (m: ThreadMessage) => port.postMessage(m)

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof ConnectorError) return { code: err.code, message: err.message }
  return { code: 'query_failed', message: 'the demo warehouse could not run the statement' }
}

async function open(): Promise<{ db: PGlite; snapshot?: Uint8Array }> {
  if (init.snapshot) return { db: await PGlite.create({ ...DEMO_PGLITE_OPTIONS, loadDataDir: new Blob([init.snapshot]) }) }
  if (init.cache) {
    const file = snapshotFile(init.cache.dir, init.cache.key)
    if (existsSync(file)) {
      try {
        return { db: await PGlite.create({ ...DEMO_PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(file)]) }) }
      } catch {
        // A damaged file (disk full, killed mid-write elsewhere): build the data again below.
      }
    }
  }
  // From the prebuilt empty cluster when the build made one: initdb is most of building the data.
  const db = await createSeededPglite(DEMO_PGLITE_OPTIONS)
  const data = generateDemoDataset(new Date(init.today))
  await loadDemoDataset(db, data)
  const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer())
  if (init.cache) {
    try {
      saveSnapshot(init.cache.dir, demoDataKey(data), dump)
      return { db }
    } catch {
      // Not writable: keep the snapshot in memory instead, as without a cache.
    }
  }
  return { db, snapshot: dump }
}

const { db, snapshot } = await open()
const connector = await loadConnector({ type: 'pglite', config: { schemas: ['retail'] }, credentials: {}, options: { acquire_timeout_ms: 60_000 } }, { pglite: db })
const streams = new Map<number, { abort: AbortController; more: () => void }>()

async function runStream(m: Extract<HostMessage, { op: 'stream' }>): Promise<void> {
  const abort = new AbortController()
  let credit: (() => void) | undefined
  const entry = { abort, more: () => { const c = credit; credit = undefined; c?.() } }
  streams.set(m.id, entry)
  try {
    for await (const batch of connector.stream({ sql: m.sql, params: m.params }, { signal: abort.signal, maxRows: m.maxRows, timeoutMs: m.timeoutMs, batchSize: m.batchSize })) {
      // One batch in flight: wait until the host asks for the next (backpressure).
      const granted = new Promise<void>((r) => { credit = r })
      post({ kind: 'batch', id: m.id, batch })
      await granted
      if (abort.signal.aborted) break
    }
    post({ kind: 'end', id: m.id })
  } catch (err) {
    post({ kind: 'error', id: m.id, error: errorOf(err) })
  } finally {
    streams.delete(m.id)
  }
}

port.on('message', (m: HostMessage) => {
  switch (m.op) {
    case 'test':
      connector.test().then((r) => post({ kind: 'result', id: m.id, value: r }), (e) => post({ kind: 'error', id: m.id, error: errorOf(e) }))
      break
    case 'introspect':
      connector.introspect({ schemas: m.schemas }).then((r) => post({ kind: 'result', id: m.id, value: r }), (e) => post({ kind: 'error', id: m.id, error: errorOf(e) }))
      break
    case 'stream':
      void runStream(m)
      break
    case 'more':
      streams.get(m.id)?.more()
      break
    case 'cancel': {
      const s = streams.get(m.id)
      s?.abort.abort()
      s?.more()
      break
    }
  }
})

// The snapshot's buffer moves to the host instead of being copied.
port.postMessage({ kind: 'ready', snapshot } satisfies ThreadMessage, snapshot ? [snapshot.buffer as ArrayBuffer] : [])
