// Server-Sent Events over fetch (EventSource cannot POST nor send a bearer
// token): yields each event of a response body as it arrives.
export interface SseEvent { event: string; data: string; id?: string }

export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let ev: { event?: string; data: string[]; id?: string } = { data: [] }
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
        if (nl === buffer.length - 1 && buffer[nl] === '\r') break
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
        if (line === '') {
          if (ev.data.length) yield { event: ev.event ?? 'message', data: ev.data.join('\n'), id: ev.id }
          ev = { data: [] }
          continue
        }
        if (line.startsWith(':')) continue // keep-alive comments
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') ev.event = val
        else if (field === 'data') ev.data.push(val)
        else if (field === 'id') ev.id = val
      }
    }
  } finally {
    reader.releaseLock()
  }
}
