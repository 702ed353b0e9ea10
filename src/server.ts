// Entry point: read config, open the store, bootstrap, serve, shut down gracefully.
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import { ConfigError, loadConfig } from './config'
import { buildServices } from './container'
import { createApp } from './app'
import { bootstrap } from './bootstrap'
import { createLogger } from './logger'
import { answerClientErrors, requestTimeoutOptions } from './http/server-timeouts'
import { DemoWarehouse } from './demo/warehouse-host'

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
  // The demo warehouse loads while the store opens and migrates.
  const demoWarehouse = config.demo ? new DemoWarehouse() : undefined
  const demoReady = demoWarehouse?.start()
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
  await demoReady
  const boot = await bootstrap(services, { demo: config.demo })
  if (services.store.kind === 'pglite') await services.worker.recoverOrphans()
  services.worker.start()

  const app = createApp(services)
  // Deadlines bound receiving a request (slow headers or body: 408), never the
  // response: long SSE streams and big CSV downloads are not cut.
  const server = serve({
    fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: requestTimeoutOptions(config.bodyTimeoutMs),
  }) as Server
  answerClientErrors(server)
  await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject) })
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
  logger.info({ url, store: services.store.kind, demo: config.demo, startup_ms: Date.now() - started }, 'nexatron listening')
  if (boot.generatedKey) {
    const bar = '='.repeat(72)
    process.stdout.write(`\n${bar}\n  Nexatron admin API key (shown once; store it now):\n\n    ${boot.generatedKey}\n\n` +
      `  Try:  curl -s -H "Authorization: Bearer ${boot.generatedKey}" -H 'Content-Type: application/json' \\\n` +
      `          -d '{"question":"What were total sales last quarter?"}' ${url}/api/v1/query\n${bar}\n\n`)
  }

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      logger.warn('shutdown timed out; closing remaining connections')
      server.closeAllConnections?.()
    }, config.shutdownTimeoutMs)
    force.unref()
    // Stop accepting; idle keep-alive sockets close now, busy ones when done.
    await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections?.() })
    clearTimeout(force)
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
