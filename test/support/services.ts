// Tests that need a real server (Postgres, MariaDB, ClickHouse, Redis) call
// `requireService`. Locally a missing server skips the suite with a visible
// reason; in CI (CI=true) it fails, so nothing is silently skipped there.
import net from 'node:net'

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

export const SERVICES = {
  postgres: { host: '127.0.0.1', port: Number(process.env.TEST_PG_PORT ?? 5432), url: process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  mariadb: { host: '127.0.0.1', port: Number(process.env.TEST_MYSQL_PORT ?? 3306) },
  clickhouse: { host: '127.0.0.1', port: Number(process.env.TEST_CLICKHOUSE_HTTP_PORT ?? 18123) },
  redis: { host: '127.0.0.1', port: Number(process.env.TEST_REDIS_PORT ?? 6379) },
} as const
export type ServiceName = keyof typeof SERVICES

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean) => { socket.destroy(); resolve(ok) }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

const cache = new Map<ServiceName, Promise<boolean>>()

/**
 * Resolves to true when the service is reachable. When it is not: throws in CI,
 * otherwise prints why and resolves false (use with `describe.skipIf`).
 */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  if (!cache.has(name)) cache.set(name, canConnect(SERVICES[name].host, SERVICES[name].port))
  const ok = await cache.get(name)!
  if (!ok) {
    const msg = `${name} is not reachable at ${SERVICES[name].host}:${SERVICES[name].port}`
    if (IN_CI) throw new Error(`${msg} (CI=true: tests needing it must not be skipped)`)
    console.warn(`[skip] ${msg}: skipping tests that need it`)
  }
  return ok
}
