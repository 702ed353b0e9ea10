// A response body written line by line from an async iterator, pulled as the
// client reads: one item in memory whatever the export's size, and the
// iterator closed (its store cursor released) when the client goes away.
// Used by the exports (audit log as NDJSON or CSV, meter events).
export function lineStream<T>(items: AsyncGenerator<T>, line: (item: T) => string, header?: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let headerSent = header === undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) { headerSent = true; controller.enqueue(encoder.encode(header)); return }
      const next = await items.next()
      if (next.done) controller.close()
      else controller.enqueue(encoder.encode(line(next.value)))
    },
    async cancel() { await items.return(undefined) },
  })
}

export const ndjsonLine = (v: unknown): string => `${JSON.stringify(v)}\n`
