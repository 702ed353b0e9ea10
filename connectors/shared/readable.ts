// Pulls rows from an object-mode Readable in chunks, keeping Node's own
// backpressure: we only take what is already buffered, and wait otherwise.
import type { Readable } from 'node:stream'

export class ChunkReader<T> {
  private ended = false
  private error: unknown = null
  private wake: (() => void) | null = null

  constructor(private readonly stream: Readable) {
    stream.on('readable', () => this.notify())
    stream.on('end', () => { this.ended = true; this.notify() })
    stream.on('close', () => { this.ended = true; this.notify() })
    stream.on('error', (err) => { this.error = err; this.notify() })
  }

  get done(): boolean { return this.ended }

  private notify(): void {
    const w = this.wake
    this.wake = null
    w?.()
  }

  /** Up to `max` items, or null at the end. Rejects with the stream's error. */
  async read(max: number): Promise<T[] | null> {
    for (;;) {
      if (this.error) throw this.error
      const out: T[] = []
      while (out.length < max) {
        const item = this.stream.read() as T | null
        if (item === null) break
        out.push(item)
      }
      if (out.length > 0) return out
      if (this.error) throw this.error
      if (this.ended || this.stream.readableEnded) return null
      await new Promise<void>((resolve) => { this.wake = resolve })
    }
  }
}
