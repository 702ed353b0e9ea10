// One store transaction around a whole request, without threading it through
// every service: `withAmbientTransaction` opens it and keeps it in
// AsyncLocalStorage, and the Db that services hold (`ambientDb(db)`) sends
// every statement made inside that async context to the transaction. That is
// how a mutation and its audit record commit or roll back together.
// Outside such a context, or once the transaction has ended (a fire-and-forget
// write that outlives the request), statements go to the store as before.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Db } from '../store/db'

interface Ambient { tx: Db; open: boolean }

const storage = new AsyncLocalStorage<Ambient>()
const WRAPPED = Symbol('ambientDb')

/** The transaction of the current async context, if one is open. */
export function currentTransaction(): Db | undefined {
  const a = storage.getStore()
  return a?.open ? a.tx : undefined
}

/** A Db whose statements join the ambient transaction when there is one. */
export function ambientDb(db: Db): Db {
  if ((db as unknown as Record<symbol, unknown>)[WRAPPED]) return db
  return new Proxy(db, {
    get(target, prop) {
      if (prop === WRAPPED) return true
      // A transaction a service opens itself becomes the ambient one too, so a
      // record written inside it (audit) joins it instead of waiting for it:
      // on PGlite, one connection, that wait would never end.
      if (prop === 'transaction' && !currentTransaction()) {
        return <T>(fn: (tx: Db) => Promise<T>, config?: unknown) =>
          (target.transaction as (f: (tx: unknown) => Promise<T>, c?: unknown) => Promise<T>)((tx) => runAmbient(tx as Db, () => fn(tx as Db)), config)
      }
      const tx = currentTransaction()
      const source = (tx ?? target) as unknown as Record<string | symbol, unknown>
      const v = source[prop]
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(source) : v
    },
  })
}

/**
 * Runs `fn` inside one transaction that every `ambientDb` statement of its
 * async context joins. A nested call (already in a transaction) just runs `fn`:
 * services' own `db.transaction(...)` become savepoints of the outer one.
 */
export async function withAmbientTransaction<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (currentTransaction()) return fn()
  return db.transaction(async (tx) => runAmbient(tx as unknown as Db, fn))
}

async function runAmbient<T>(tx: Db, fn: () => Promise<T>): Promise<T> {
  if (currentTransaction()) return fn()
  const ambient: Ambient = { tx, open: true }
  try {
    return await storage.run(ambient, fn)
  } finally {
    ambient.open = false
  }
}

/** Runs `fn` outside any ambient transaction (a record that must survive a rollback). */
export function outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ tx: undefined as unknown as Db, open: false }, fn)
}
