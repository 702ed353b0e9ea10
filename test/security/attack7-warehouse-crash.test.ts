// Attack: end the whole service from one tenant's warehouse. Two ways, both
// found against a real PostgreSQL 15 and pinned here with a wire-protocol
// stand-in (test/support/pg-wire-server.ts):
// - A value longer than V8's string limit: a dimension `repeat(status,
//   600000000)` written with semantic:write, or a server of the tenant's own
//   that sends one. node-postgres buffered the 572 MiB message and then threw
//   "Cannot create a string longer than 0x1fffffe8 characters" inside the
//   socket's data handler: an uncaught exception, the process gone for every
//   tenant. (Smaller values, a few hundred MiB per fetch, ran the heap out.)
// - The connection dropping while a query runs (a reset, a failover, the
//   tenant's DBA terminating the backend, or the tenant's own server doing it
//   on purpose): node-postgres emits 'error' on the client, which pg-pool
//   leaves without a listener while the client is checked out, so `read
//   ECONNRESET` was uncaught too.
// - The same long value from ClickHouse: @clickhouse/client joins the pieces
//   of a result line and turns them into one string inside a stream transform
//   fed by the socket, so a line over the string limit threw there, uncaught
//   (found with an HTTP stand-in below; `repeat(x, 600000000)` on a real
//   server writes such a line).
// Either must fail that one query, and nothing else.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClickhouseConnector } from '../../connectors/clickhouse/connector'
import { createPostgresConnector } from '../../connectors/postgres/connector'
import type { Connector } from '../../connectors/connector'
import { drain, watchUncaught } from '../support/crash-probe'
import { BackendMessageCap, MAX_BACKEND_MESSAGE_BYTES } from '../../connectors/postgres/message-cap'
import { PgWireServer } from '../support/pg-wire-server'

let server: PgWireServer
let connector: Connector
let watch: ReturnType<typeof watchUncaught>


describe('attack: a warehouse that ends the process', () => {
  beforeAll(async () => {
    watch = watchUncaught()
    server = await new PgWireServer().start()
    connector = createPostgresConnector({
      type: 'postgres', config: { host: '127.0.0.1', port: server.port, database: 'shop', user: 'nexatron', ssl: 'disable' },
      credentials: { password: 'secret' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await connector?.close()
    await server?.stop()
  })

  it('answers from the stand-in (control)', async () => {
    server.onExecute = { rows: ['a', 'b'] }
    const r = await drain(connector)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })

  it('refuses a value over the message cap as its header arrives, without buffering it or crashing', async () => {
    server.onExecute = { hugeValueBytes: 600 * 2 ** 20 }
    const r = await drain(connector)
    expect(watch.seen).toEqual([])
    expect(r.error).toBeDefined()
    expect(server.hugeBytesSent).toBeLessThan(600 * 2 ** 20)
    expect(r.ms).toBeLessThan(5_000)
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/600 MiB, over the 64 MiB/)
  }, 60_000)

  it('fails only the query when the connection is reset while it runs', async () => {
    server.onExecute = { reset: true }
    const r = await drain(connector)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: expect.stringMatching(/query_failed|unreachable/) })
  })

  it('still answers after both, on a fresh connection (control)', async () => {
    server.onExecute = { rows: ['c'] }
    const r = await drain(connector)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['c']])
  })

  it('counts the rows of one fetch across messages, and starts again after the fetch ends', () => {
    const head = (code: string, length: number) => { const b = Buffer.alloc(5); b.write(code, 0, 'latin1'); b.writeUInt32BE(length, 1); return b }
    const row = (bytes: number) => Buffer.concat([head('D', bytes + 4), Buffer.alloc(bytes)])
    const cap = new BackendMessageCap(1000, 2500)
    expect(cap.push(Buffer.concat([row(900), row(900)]))).toBeNull()
    expect(cap.push(Buffer.concat([head('s', 4), row(900), row(900)]))).toBeNull()
    const whole = Buffer.concat([row(900), row(900), row(900)])
    // Split anywhere, even inside a header, the framing holds.
    const split = new BackendMessageCap(1000, 2500)
    expect(split.push(whole.subarray(0, 907))).toBeNull()
    expect(split.push(whole.subarray(907, 1811))).toBeNull()
    expect(split.push(whole.subarray(1811))).toMatch(/in one fetch/)
    expect(new BackendMessageCap(1000, 2500).push(head('D', 1001))).toMatch(/over the 0 MiB|single one/)
    expect(MAX_BACKEND_MESSAGE_BYTES).toBeLessThan(0x1fffffe8 / 4)
  })
})

describe('attack: a ClickHouse answer line longer than a string may be', () => {
  let ch: http.Server
  let clickhouse: Connector
  let lineBytes = 0
  let sent = 0
  beforeAll(async () => {
    watch = watchUncaught()
    // Answers the connector's readonly probe, then a TSV header and one value of lineBytes bytes, paced by the socket.
    ch = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => { body += c })
      req.on('end', () => {
        res.setHeader('Content-Type', 'text/tab-separated-values; charset=UTF-8')
        if (/system\.settings/.test(`${decodeURIComponent(req.url ?? '')}${body}`)) return void res.end('2\n')
        res.write('v\nString\n')
        const piece = Buffer.alloc(2 ** 20, 'x')
        sent = 0
        res.on('close', () => { sent = Infinity })
        const pump = () => {
          while (sent < lineBytes) {
            const n = Math.min(piece.length, lineBytes - sent)
            sent += n
            if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) return void res.once('drain', pump)
          }
          if (sent === lineBytes) res.end('\n')
        }
        pump()
      })
    })
    await new Promise<void>((resolve) => ch.listen(0, '127.0.0.1', resolve))
    clickhouse = createClickhouseConnector({
      type: 'clickhouse', config: { host: '127.0.0.1', port: (ch.address() as AddressInfo).port, ssl: 'disable' },
      credentials: { password: '' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await clickhouse?.close()
    await new Promise<void>((resolve) => ch?.close(() => resolve()))
  })
  const runCh = async () => {
    const rows: unknown[][] = []
    try {
      for await (const b of clickhouse.stream({ sql: 'SELECT v FROM t', params: [] }, { signal: new AbortController().signal, maxRows: 10, timeoutMs: 20_000 })) rows.push(...b.rows)
      return { rows }
    } catch (e) {
      return { rows, error: e as Error }
    }
  }

  it('answers a short line (control)', async () => {
    lineBytes = 5
    const r = await runCh()
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['xxxxx']])
  })

  it('refuses a 600 MiB line as it grows past the cap, without crashing', async () => {
    lineBytes = 600 * 2 ** 20
    const r = await runCh()
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 64 MiB/)
  }, 60_000)
})
