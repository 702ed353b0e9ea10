// Reads a text/event-stream the way a browser EventSource does (WHATWG
// parsing via eventsource-parser), with control over how fast it reads.
import { createParser, type EventSourceMessage } from 'eventsource-parser'

export interface SseEvent { event: string; id?: string; data: string }

export interface SseRead {
  status: number
  headers: Headers
  events: SseEvent[]
  comments: string[]
}

/**
 * POSTs `body` and collects events. `onEvent` may return 'stop' to disconnect
 * (abort the request) right after that event.
 */
export async function readSse(url: string, init: { headers: Record<string, string>; body: unknown },
  onEvent?: (e: SseEvent, all: SseEvent[]) => 'stop' | void | Promise<'stop' | void>,
  onComment?: (comment: string, all: SseEvent[]) => 'stop' | void | Promise<'stop' | void>): Promise<SseRead> {
  const controller = new AbortController()
  const res = await fetch(url, {
    method: 'POST', signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...init.headers },
    body: JSON.stringify(init.body),
  })
  const events: SseEvent[] = []
  const comments: string[] = []
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    return { status: res.status, headers: res.headers, events: [{ event: 'http', data: await res.text() }], comments }
  }
  let stop = false
  // Events and comments in arrival order; callbacks run between reads.
  const pending: Array<SseEvent | { comment: string }> = []
  const parser = createParser({
    onEvent: (m: EventSourceMessage) => { pending.push({ event: m.event ?? 'message', id: m.id, data: m.data }) },
    onComment: (c) => { pending.push({ comment: c }) },
  })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  try {
    while (!stop) {
      const { value, done } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
      while (pending.length) {
        const item = pending.shift()!
        if ('comment' in item) {
          comments.push(item.comment)
          if ((await onComment?.(item.comment, events)) === 'stop') { stop = true; break }
          continue
        }
        events.push(item)
        if ((await onEvent?.(item, events)) === 'stop') { stop = true; break }
      }
    }
  } finally {
    if (stop) controller.abort()
    else reader.releaseLock()
  }
  return { status: res.status, headers: res.headers, events, comments }
}
