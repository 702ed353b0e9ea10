// The embedded store (PGlite files in the data directory) must have one user at
// a time: a second process opening it (a CLI store command while the server
// runs, or a second server) would corrupt or lose data. The first opener writes
// its pid into a lock file; others are refused while that process lives. A lock
// left by a process that died is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'

export class StoreLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the embedded store in ${dir} is in use by process ${pid} (a running server?): stop it first, or use the HTTP API`)
    this.name = 'StoreLockedError'
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/** Takes the lock of the store in `dir`; returns its release. Throws StoreLockedError while another live process holds it. */
export function lockEmbeddedStore(dir: string): () => void {
  const file = path.join(dir, 'nexatron.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return () => { if (!released) { released = true; rmSync(file, { force: true }) } }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new StoreLockedError(dir, pid)
      // Stale (its process is gone) or unreadable: take it over.
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not lock the embedded store in ${dir}`)
}
