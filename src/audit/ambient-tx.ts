// One store transaction around an audited mutation, without threading it
// through every service: `withAmbientTransaction` keeps a context in
// AsyncLocalStorage, and the Db that services hold (`ambientDb(db)`) sends
// every statement made inside that async context to its transaction. That is
// how a mutation and its audit record commit or roll back together.
//
// The transaction opens lazily, at the context's first write (or a lock asked
// for with `lockForWrites`), not when the request starts. A mutation first
// waits on the outside world (a warehouse to test or introspect, a host name
// to resolve, sample values to read) holding nothing: on the embedded store
// (PGlite, one connection) an open transaction makes every other request of
// every tenant wait, and on PostgreSQL it pins a pool connection and its row
// locks, so one warehouse that never answers would stall the service. Reads
// before the first write go straight to the store; under READ COMMITTED each
// statement sees what was committed when it ran, in a transaction or not.
// What this leaves to services: do the slow outside work before the first
// write (`assertNoTransaction` lets the places that reach out check it).
//
// Where a statement runs is decided when it runs, not when it is built: a
// builder made before the first write and awaited after it (Promise.all of a
// read and a write) still joins the transaction. On PGlite a read sent beside
// an open transaction would wait for this very request to end.
//
// Outside such a context, or once it has ended (a fire-and-forget write that
// outlives the request), statements go to the store as before.
import { AsyncLocalStorage } from 'node:async_hooks'
import { PgDatabase } from 'drizzle-orm/pg-core'
import type { Db } from '../store/db'

interface Ambient {
  /** The open transaction. */
  tx?: Db
  open: boolean
  /** A lazy context (withAmbientTransaction): opens the transaction once, on the first write. */
  begin?: () => Promise<Db>
  /** The transaction is opening or open. */
  begun?: boolean
  /** The context is over: statements go to the store. */
  ended?: boolean
  /** Locks to take first thing when the transaction opens (lockForWrites). */
  onOpen?: Array<(tx: Db) => Promise<void>>
  /** Statements routed into the transaction when they ran (see routedQuery): the commit waits for them. */
  inflight?: Set<Promise<unknown>>
}

const storage = new AsyncLocalStorage<Ambient>()
const WRAPPED = Symbol('ambientDb')
const ROLLBACK = Symbol('rollback')

/** A statement that only reads: a plain SELECT without a locking clause. */
const readsOnly = (text: string) => /^\s*select\b/i.test(text) && !/\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i.test(text)

/** The transaction of the current async context, if one is open. */
export function currentTransaction(): Db | undefined {
  const a = storage.getStore()
  return a?.open ? a.tx : undefined
}

/**
 * Whether a statement issued now runs in a store transaction: one that is open,
 * or one that is opening (routedQuery queues a read behind the write that opens
 * it, so it sees that write, committed or not). Caches of committed reads ask this.
 */
export function inStoreTransaction(): boolean {
  const a = storage.getStore()
  return !!a && (a.open || (!!a.begun && !a.ended))
}

/** A lazy context that has not ended. */
function lazyContext(): Ambient | undefined {
  const a = storage.getStore()
  return a?.begin && !a.ended ? a : undefined
}

// The drizzle internals this leans on (stable across its 0.x releases): a
// database's `dialect`, `session` and `_` (schema), a session's
// `prepareQuery(...)` and a prepared query's `execute`/`all`/`setToken`.
interface Prepared { execute(...a: unknown[]): Promise<unknown>; all(...a: unknown[]): Promise<unknown>; setToken(t: unknown): Prepared }
interface Session { prepareQuery(...a: unknown[]): Prepared }
interface DbInternals { dialect: unknown; session: Session; _: { schema: unknown; fullSchema: unknown; tableNamesMap: unknown } }

/**
 * A prepared query that decides where it runs when it is executed: in the
 * open transaction; in the one it opens (a write, or any statement while it
 * opens); else in the store.
 */
function routedQuery(base: Prepared, args: unknown[]): Prepared {
  const text = String((args[0] as { sql?: unknown } | undefined)?.sql ?? '')
  const run = (method: 'execute' | 'all', a: unknown[]): Promise<unknown> => {
    const on = (tx: Db) => ((tx as unknown as DbInternals).session.prepareQuery(...args))[method](...a)
    const tx = currentTransaction()
    const lazy = lazyContext()
    if (tx) return lazy ? track(lazy, on(tx)) : on(tx)
    if (!lazy || (!lazy.begun && readsOnly(text))) return base[method](...a)
    return track(lazy, lazy.begin!().then(on))
  }
  const self: Prepared = new Proxy(base, {
    get(target, prop) {
      if (prop === 'execute' || prop === 'all') return (...a: unknown[]) => run(prop, a)
      if (prop === 'setToken') return (t: unknown) => { target.setToken(t); return self }
      const v = (target as unknown as Record<PropertyKey, unknown>)[prop]
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v
    },
  })
  return self
}

/** Keeps the context's transaction from committing until `p`, which runs in it, has settled. */
function track<T>(a: Ambient, p: Promise<T>): Promise<T> {
  a.inflight!.add(p)
  const forget = () => { a.inflight!.delete(p) }
  p.then(forget, forget)
  return p
}

/** `db` with a session whose statements are routed when they run (see route). */
function routedDb(db: Db): Db {
  const inner = db as unknown as DbInternals
  const session = new Proxy(inner.session, {
    get(target, prop, receiver) {
      if (prop === 'prepareQuery') return (...args: unknown[]) => routedQuery(target.prepareQuery(...args), args)
      const v = Reflect.get(target, prop, receiver)
      // Its own helpers (execute, count) prepare through the routed prepareQuery.
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(receiver) : v
    },
  })
  const Database = PgDatabase as unknown as new (dialect: unknown, session: unknown, schema: unknown) => Db
  return new Database(inner.dialect, session, inner._.schema ? inner._ : undefined)
}

/** A Db whose statements join the ambient transaction when there is one. */
export function ambientDb(db: Db): Db {
  if ((db as unknown as Record<symbol, unknown>)[WRAPPED]) return db
  const routed = routedDb(db)
  return new Proxy(db, {
    get(target, prop) {
      if (prop === WRAPPED) return true
      const tx = currentTransaction()
      if (prop === 'transaction' && !tx) {
        const lazy = lazyContext()
        // A service's own transaction in a lazy context opens the context's (a first write) and is a savepoint of it.
        if (lazy) {
          return <T>(fn: (tx: Db) => Promise<T>, config?: unknown) =>
            lazy.begin!().then((t) => (t.transaction as (f: (x: unknown) => Promise<T>, c?: unknown) => Promise<T>)((x) => fn(x as Db), config))
        }
        // One opened outside any context becomes the ambient one, so a record
        // written inside it (audit) joins it instead of waiting for it: on
        // PGlite, one connection, that wait would never end.
        return <T>(fn: (tx: Db) => Promise<T>, config?: unknown) =>
          (target.transaction as (f: (tx: unknown) => Promise<T>, c?: unknown) => Promise<T>)((t) => runAmbient(t as Db, () => fn(t as Db)), config)
      }
      const source = (tx ?? routed) as unknown as Record<string | symbol, unknown>
      const v = source[prop]
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(source) : v
    },
  })
}

/**
 * Runs `fn` in a context whose `ambientDb` statements share one transaction,
 * opened at the first write and committed when `fn` resolves (rolled back when
 * it throws; a failed commit throws). A nested call just runs `fn`: services'
 * own `db.transaction(...)` become savepoints of the outer one.
 */
export async function withAmbientTransaction<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (currentTransaction() || lazyContext()) return fn()
  const a: Ambient = { open: false, onOpen: [], inflight: new Set() }
  let decide: (commit: boolean) => void = () => {}
  const decided = new Promise<boolean>((resolve) => { decide = resolve })
  let opened: Promise<Db> | undefined
  let committed: Promise<void> | undefined
  let openedOk = false
  a.begin = () => opened ??= new Promise<Db>((resolve, reject) => {
    a.begun = true
    committed = db.transaction(async (raw) => {
      const tx = raw as unknown as Db
      // Ended while it opened (a fire-and-forget write): that write goes to the store, as after the end.
      if (a.ended) return resolve(db)
      a.tx = tx
      a.open = true
      try {
        for (const lock of a.onOpen!) await lock(tx)
      } catch (err) {
        a.open = false
        throw err
      }
      openedOk = true
      resolve(tx)
      if (!(await decided)) throw ROLLBACK
      await Promise.allSettled([...a.inflight!])
    }).then(() => {}, (err: unknown) => {
      reject(err)
      if (err === ROLLBACK || openedOk) {
        if (err !== ROLLBACK) throw err
        return
      }
      // Refused while opening (a lock's check): the write that opened it got
      // the error and nothing was written; later writes get it too, reads go on.
      a.begun = false
    })
  })
  const finish = async (commit: boolean) => {
    a.ended = true
    a.open = false
    decide(commit)
    if (committed) await committed
  }
  let result: T
  try {
    result = await storage.run(a, fn)
  } catch (err) {
    await finish(false).catch(() => {})
    throw err
  }
  await finish(true)
  return result
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

/**
 * Runs `lock` inside the ambient transaction before anything is written: at
 * once when it is open, else first thing when it opens (at the first write;
 * a throw there fails that write and rolls back). Outside a context there is
 * no transaction for a lock to last in: nothing is done.
 */
export async function lockForWrites(lock: (tx: Db) => Promise<void>): Promise<void> {
  const tx = currentTransaction()
  if (tx) return lock(tx)
  const a = lazyContext()
  if (!a) return
  if (a.begun) return lock(await a.begin!())
  a.onOpen!.push(lock)
}

/**
 * Throws when a store transaction is open in this async context: `what` (a
 * warehouse, a name server) may take as long as it likes, and nothing may
 * wait on it holding the store. A service that reaches out after its first
 * write has its steps in the wrong order.
 */
export function assertNoTransaction(what: string): void {
  if (currentTransaction()) throw new Error(`${what} was reached with a store transaction open; do outside work before the first write`)
}

/** Runs `fn` outside any ambient transaction (a record that must survive a rollback). */
export function outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ open: false }, fn)
}
