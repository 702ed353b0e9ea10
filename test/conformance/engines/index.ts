// Opens an engine adapter by name; availability checks for the real servers.
import type { PGlite } from '@electric-sql/pglite'
import { serviceAvailable, SERVICES } from '../../support/services'
import type { EngineAdapter, EngineName } from './engine'
import { openClickhouse } from './clickhouse'
import { openMariadb } from './mariadb'
import { openPglite } from './pglite'
import { openPostgres } from './postgres'

export * from './engine'

export interface OpenEngineOptions {
  /** Reuse a PGlite instance (tests share one per file). */
  pglite?: PGlite
}

export function openEngine(name: EngineName, opts: OpenEngineOptions = {}): Promise<EngineAdapter> {
  switch (name) {
    case 'pglite': return openPglite({ instance: opts.pglite })
    case 'postgres': return openPostgres()
    case 'mariadb': return openMariadb()
    case 'clickhouse': return openClickhouse()
  }
}

const SERVICE_OF = { postgres: 'postgres', mariadb: 'mariadb', clickhouse: 'clickhouse' } as const

/**
 * Whether the engine's server answers. PGlite is embedded, always true.
 * Uses serviceAvailable(): in CI a missing server throws instead of skipping.
 */
export function engineAvailable(name: EngineName): Promise<boolean> {
  return name === 'pglite' ? Promise.resolve(true) : serviceAvailable(SERVICE_OF[name])
}

export function engineAddress(name: EngineName): string {
  if (name === 'pglite') return 'embedded'
  const s = SERVICES[SERVICE_OF[name]]
  return `${s.host}:${s.port}`
}
