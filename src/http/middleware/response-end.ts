// Runs a callback once a response's body has been sent in full (or the client
// went away), without holding back any byte: the body is passed through as it
// streams. For work that needs the finished answer (a query run's rows and
// duration) but must never delay its first byte.
import type { Context } from 'hono'

type Ending = { done: () => Promise<void>; onError: (err: unknown) => void }
interface Endings { list: Ending[]; ended: boolean }
/** Responses this module made, with what waits for their end: a later caller joins them instead of piping the body once more. */
const endings = new WeakMap<Response, Endings>()

export function onResponseEnd(c: Context, done: () => Promise<void>, onError: (err: unknown) => void): void {
  const res = c.res
  const joined = endings.get(res)
  if (joined) {
    // A small body may be through already (piped into the stream's queue): then now.
    if (joined.ended) done().catch(onError)
    else joined.list.push({ done, onError })
    return
  }
  if (!res.body) { done().catch(onError); return }
  const state: Endings = { list: [{ done, onError }], ended: false }
  const run = () => {
    state.ended = true
    for (const e of state.list) e.done().catch(e.onError)
  }
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  void res.body.pipeTo(writable).then(run, run)
  c.res = new Response(readable, { status: res.status, statusText: res.statusText, headers: res.headers })
  endings.set(c.res, state)
}

/** The query run an answer belongs to: streamed answers name it in a header, a buffered one (/semantic/query) in its JSON body. */
export async function answeredQueryId(c: Context): Promise<string | null> {
  const header = c.res.headers.get('x-nexatron-query-id')
  if (header) return header
  if (c.res.status >= 300 || !/json/.test(c.res.headers.get('content-type') ?? '')) return null
  try {
    const id = ((await c.res.clone().json()) as { id?: unknown }).id
    return typeof id === 'string' ? id : null
  } catch {
    return null
  }
}
