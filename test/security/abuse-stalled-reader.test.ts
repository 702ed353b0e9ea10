// Abuse: a client that asks for a large answer and never reads it. Answers
// stream with backpressure, so memory stays flat, but before this the request
// then waited forever, holding its concurrency slot and its query; a handful
// of such connections per credential held a tenant's slots for good. Now a
// response whose bytes the kernel has not taken for the stall limit
// (NEXATRON_WRITE_STALL_TIMEOUT_MS) loses its connection, which aborts the
// request; an idle stream with nothing to send is never cut.
import http, { type Server } from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeStalledWrites } from '../../src/http/write-stall'

const STALL_MS = 200
let server: Server | undefined
afterEach(async () => { await new Promise<void>((r) => (server ? server.close(() => r()) : r())); server = undefined })

/** A server that writes `chunks` of 64 KiB (waiting for drain, as streams do), or idles; resolves each request's end. */
async function listen(handler: (res: http.ServerResponse) => Promise<void>, stallMs = STALL_MS) {
  const ended: Array<Promise<'finished' | 'aborted'>> = []
  server = http.createServer((req, res) => {
    ended.push(new Promise((resolve) => {
      res.once('close', () => resolve(res.writableFinished ? 'finished' : 'aborted'))
      void handler(res).catch(() => {})
    }))
  })
  closeStalledWrites(server, stallMs)
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return { port: (server.address() as AddressInfo).port, ended }
}

const chunk = Buffer.alloc(64 * 1024, 'x')
async function writeMany(res: http.ServerResponse, n: number) {
  res.writeHead(200, { 'content-type': 'text/plain' })
  for (let i = 0; i < n && !res.destroyed; i++) {
    if (!res.write(chunk)) await new Promise<void>((r) => { const go = () => { res.off('drain', go); res.off('close', go); r() }; res.once('drain', go); res.once('close', go) })
  }
  res.end()
}

/** Sends a GET and never reads a byte of the answer. */
function nonReader(port: number) {
  const socket = net.connect(port, '127.0.0.1')
  socket.pause()
  socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
  return socket
}

describe('a client that stops reading', () => {
  it('loses its connection once nothing has been taken for the stall limit, which aborts the request', async () => {
    // 256 MiB: far more than any socket buffer holds, so the writes stall.
    const { port, ended } = await listen((res) => writeMany(res, 4096))
    const socket = nonReader(port)
    await expect.poll(() => ended.length).toBe(1)
    await expect(Promise.race([ended[0], new Promise((r) => setTimeout(() => r('still waiting'), 20 * STALL_MS))])).resolves.toBe('aborted')
    socket.destroy()
  })

  it('keeps a reader that is slow but keeps reading', async () => {
    // The kernel buffers megabytes between the two ends, so "slow" is measured against a limit of two seconds:
    // a reader taking 64 KiB every 20 ms drains them well within it.
    const { port, ended } = await listen((res) => writeMany(res, 192), 2_000)
    const socket = nonReader(port)
    let received = 0
    socket.on('data', (d: Buffer) => { received += d.length; socket.pause(); setTimeout(() => socket.resume(), 20) })
    socket.resume()
    await expect.poll(() => ended.length).toBe(1)
    await expect(ended[0]).resolves.toBe('finished')
    await expect.poll(() => received, { timeout: 10_000 }).toBeGreaterThan(192 * chunk.length)
    socket.destroy()
  }, 30_000)

  it('never cuts a response that has nothing to send (a long query, an idle stream)', async () => {
    const { port, ended } = await listen(async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': open\n\n')
      await new Promise((r) => setTimeout(r, 5 * STALL_MS))
      res.end('data: done\n\n')
    })
    const socket = nonReader(port)
    await expect.poll(() => ended.length).toBe(1)
    await expect(ended[0]).resolves.toBe('finished')
    socket.destroy()
  })
})
