// Opens the metadata store: embedded PGlite (default) or PostgreSQL
// (DATABASE_URL), and applies the drizzle-kit migrations in ./migrations.
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { lockEmbeddedStore } from './embedded-lock'
import { fileURLToPath } from 'node:url'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import * as schema from './schema'
import { hearOwnCommits, pgliteChangeFeed, postgresChangeFeed, type ChangeFeed } from './change-feed'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Store {
  db: Db
  kind: 'pglite' | 'postgres'
  /** Notices of committed changes to what read-through caches copy (change-feed.ts). */
  changes: ChangeFeed
  /** Cheap liveness check for /health. */
  ping(): Promise<void>
  /**
   * Runs `fn` while no other instance of this store runs its own: instances
   * started at once (systemd, a rollout) take turns at first-start setup
   * instead of racing to create the same tenant and key.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')
// Arbitrary constant shared by every Nexatron instance migrating the same database.
const MIGRATION_LOCK_KEY = 72_110_521
const STARTUP_LOCK_KEY = 72_110_522

export interface OpenStoreOptions {
  databaseUrl?: string
  /** Directory for PGlite files; omit (or 'memory://') for an in-memory store (tests). */
  dataDir?: string
  poolMax?: number
  /**
   * The prebuilt empty cluster a new embedded store starts from (cluster-seed.ts):
   * a seed file's path (an empty cluster), false to run initdb; default the build's migrated seed when it ran these migrations, else its empty one.
   */
  seed?: string | false
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  return opts.databaseUrl ? openPostgresStore(opts.databaseUrl, opts.poolMax) : openPgliteStore(opts.dataDir, opts.seed)
}

async function openPgliteStore(dataDir?: string, seedFile?: string | false): Promise<Store> {
  // Loaded here, not at the top: a server on PostgreSQL never needs PGlite (its start-up time).
  const { PGlite } = await import('@electric-sql/pglite')
  const { clusterSeed, createSeededPglite, migratedStoreSeed, unpackSeed } = await import('./cluster-seed')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  let dir: string | undefined
  if (dataDir && dataDir !== 'memory://') {
    dir = path.resolve(dataDir, 'store')
    mkdirSync(dir, { recursive: true })
  }
  // PGlite is single-process and takes no lock of its own: one opener at a time.
  const unlock = dir ? lockEmbeddedStore(dir) : () => {}
  try {
    // 16 MB of shared buffers instead of Postgres' 128 MB: the metadata is
    // small, and every buffer counts in the server's resident memory.
    const options = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] }
    // A new store starts from the prebuilt cluster instead of running initdb
    // (most of a first start); any trouble with the seed means initdb, as before.
    // The build's migrated seed first (nothing left to migrate), when it ran these very migrations.
    const seed = () => (seedFile === false ? undefined : seedFile ? clusterSeed(seedFile) : migratedStoreSeed(MIGRATIONS_DIR) ?? clusterSeed())
    let client
    if (dir) {
      const fresh = !existsSync(path.join(dir, 'PG_VERSION'))
      const bytes = fresh ? seed() : undefined
      if (bytes) {
        try { unpackSeed(bytes, dir) } catch { /* initdb below */ }
      }
      client = await PGlite.create(dir, options)
    } else {
      client = await createSeededPglite(options, seed())
    }
    const db = drizzle({ client, schema })
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR })
    const changes = await pgliteChangeFeed(client)
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      changes,
      ping: async () => { await client.query('SELECT 1') },
      // One process holds an embedded store (lockEmbeddedStore): nothing to take turns with.
      exclusive: (fn) => fn(),
      close: async () => { try { await changes.close(); await client.close() } finally { unlock() } },
    }
  } catch (e) {
    unlock()
    throw e
  }
}

async function openPostgresStore(url: string, poolMax = 10): Promise<Store> {
  const pg = (await import('pg')).default
  const { drizzle } = await import('drizzle-orm/node-postgres')
  const { migrate } = await import('drizzle-orm/node-postgres/migrator')
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 })
  // A pool error on an idle client must not crash the process.
  pool.on('error', () => {})
  // This instance's own commits are heard on the connection that made them (change-feed.ts), before they settle.
  let ownCommit: (table: string) => void = () => {}
  hearOwnCommits(pool, (table) => ownCommit(table))
  const db = drizzle({ client: pool, schema })
  const lockClient = await pool.connect()
  try {
    // Two instances starting at once: the second waits here, then finds nothing to do.
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    await migrate(drizzle({ client: lockClient, schema }), { migrationsFolder: MIGRATIONS_DIR })
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
    lockClient.release()
  }
  // Its own session (LISTEN lives on one), kept alive by TCP keepalives and the feed's probes.
  const changes = await postgresChangeFeed({ newClient: () => new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5000, application_name: 'nexatron change feed' }) })
  ownCommit = (table) => changes.emit(table)
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    changes,
    ping: async () => { await db.execute(sql`SELECT 1`) },
    exclusive: async (fn) => {
      // A session-level advisory lock on a client of its own, so `fn` may use the pool freely.
      const client = await pool.connect()
      try {
        await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY])
        return await fn()
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(() => {})
        client.release()
      }
    },
    close: async () => { await changes.close(); await pool.end() },
  }
}
