// Entry point: read config, open the store, bootstrap, serve, shut down gracefully.
import { serve } from '@hono/node-server'
import path from 'node:path'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, loadConfig } from './config'
import { buildServices } from './container'
import { createApp } from './app'
import { bootstrap } from './bootstrap'
import { createLogger } from './logger'
import { answerClientErrors, requestTimeoutOptions } from './http/server-timeouts'
import { closeStalledWrites } from './http/write-stall'
import { DemoWarehouse } from './demo/warehouse-host'
import { sampleValuesReadFrom } from './demo/demo-cache'
import { AppError } from './errors'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`nexatron: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  const logger = createLogger(config.logLevel)
  const started = Date.now()
  // The demo warehouse's thread starts on the first statement that needs it
  // (bootstrap, when the day's data is new to the value index, or a question);
  // what it builds is kept in the data dir for the day's later starts.
  const demoCacheDir = path.resolve(config.dataDir, 'demo')
  // After 10 idle minutes the thread stops again (the next question reloads it from disk in a second or two).
  const demoWarehouse = config.demo ? new DemoWarehouse(new Date(), { cacheDir: demoCacheDir, idleStopMs: 10 * 60_000 }) : undefined
  // When bootstrap will read the demo's sample values (a first start, the
  // first start of a day), the warehouse builds or loads its data on its own
  // thread meanwhile, instead of after the store has opened and migrated.
  if (demoWarehouse && !sampleValuesReadFrom(demoCacheDir, demoWarehouse.dataKey())) void demoWarehouse.start()
  let services
  try {
    services = await buildServices(config, { logger, demoWarehouse })
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`nexatron: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  // Instances sharing a store take turns: the first creates the tenant and key, the next finds them.
  const boot = await services.store.exclusive(() => bootstrap(services, {
    demo: config.demo, demoCache: demoWarehouse && { dir: demoCacheDir, key: () => demoWarehouse.dataKey() }, firstAdminUser: true,
    deferSampleValues: true,
  }))
  // The demo's sample values wait for its warehouse to build the day's data
  // (seconds on a first start): read them while serving; a demo question waits for them.
  if (boot.pendingSampleValues && boot.demoConnectionId) {
    const read = boot.pendingSampleValues
    void services.semantic.store.settle(boot.tenantId, boot.demoConnectionId, () => read().catch((err) => {
      logger.warn({ err }, 'reading the demo sample values failed: demo questions may not recognise values')
    }))
  }
  if (services.store.kind === 'pglite') await services.worker.recoverOrphans()
  services.worker.start()

  const app = createApp(services)
  // Deadlines bound receiving a request (slow headers or body: 408), never the
  // response: long SSE streams and big CSV downloads are not cut.
  const server = serve({
    fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: requestTimeoutOptions(config.bodyTimeoutMs),
  }) as Server
  answerClientErrors(server)
  // ...but a client that stops reading an answer loses its connection, so it cannot hold a query slot for good.
  closeStalledWrites(server, config.writeStallTimeoutMs)
  await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject) })
  // The port actually bound: with PORT=0 the kernel picks one, and the log line says which.
  const { port } = server.address() as AddressInfo
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  logger.info({ url, store: services.store.kind, demo: config.demo, startup_ms: Date.now() - started }, 'nexatron listening')
  if (boot.generatedKey) {
    const bar = '='.repeat(72)
    process.stdout.write(`\n${bar}\n  Nexatron admin API key (shown once; store it now):\n\n    ${boot.generatedKey}\n\n` +
      `  Try:  curl -s -H "Authorization: Bearer ${boot.generatedKey}" -H 'Content-Type: application/json' \\\n` +
      `          -d '{"question":"What were total sales last quarter?"}' ${url}/api/v1/query\n` +
      (boot.generatedAdmin
        ? `\n  Console: ${url}/  (sign in as ${boot.generatedAdmin.email}, password ${boot.generatedAdmin.password}; shown once)\n`
        : '') +
      `${bar}\n\n`)
  }

  // While draining, every response asks its client to close the connection,
  // so keep-alive clients and proxies open their next one elsewhere.
  let inflight = 0
  server.on('request', (_req, res) => {
    inflight++
    if (services.readiness?.draining) res.shouldKeepAlive = false
    res.once('close', () => { inflight-- })
  })

  let stopping = false
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
  // SIGTERM drains: readiness answers 503 at once (load balancers stop sending
  // work) while this instance keeps serving what it has. Requests in flight,
  // streams included, get NEXATRON_SHUTDOWN_TIMEOUT_MS to finish; then their
  // queries are cancelled in the database and the remaining connections
  // closed. Async jobs get the same grace, then go back to the queue for
  // another instance. Exit 0 when done.
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    const grace = config.shutdownTimeoutMs
    const deadline = Date.now() + grace
    services.readiness?.startDraining()
    logger.info({ signal, grace_ms: grace }, 'draining')
    const jobsReleased = services.worker.drain(grace)
    // Idle keep-alive sockets are left open meanwhile: closing one under a
    // client that is just reusing it would fail that request.
    while (inflight > 0 && Date.now() < deadline) await sleep(50)
    const closed = new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections?.() })
    if (inflight > 0) {
      const cancelled = services.runner.cancelAll(new AppError('query_cancelled', 'the server shut down before the query finished'))
      logger.warn({ requests: inflight, cancelled }, 'grace period over: cancelled the queries still running')
      // Cancelled streams end with their error event; then whatever is left is cut.
      const ended = await Promise.race([closed.then(() => true), sleep(2000).then(() => false)])
      if (!ended) server.closeAllConnections?.()
    }
    await Promise.race([closed, sleep(1000)])
    const released = await jobsReleased
    if (released.length) logger.info({ jobs: released }, 'handed running jobs back to the queue')
    await services.dispose()
    await demoWarehouse?.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((err) => {
  createLogger('error').fatal({ err }, 'nexatron failed to start')
  process.exit(1)
})
