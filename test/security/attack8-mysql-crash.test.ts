// Attack: end the whole service, or hold its memory, from one tenant's MySQL
// or MariaDB connection (the PostgreSQL and ClickHouse forms are in
// attack7-warehouse-crash). A MySQL packet is at most 16 MiB; a longer one
// comes as a run of 16 MiB packets that mysql2 keeps, each one, until the
// last, then joins: a value of any size (a server of the tenant's own, or
// `repeat()` where max_allowed_packet allows it) was buffered whole before
// anything looked at it. And an error packet that arrives while a connection
// sits idle in the pool is parsed outside mysql2's try/catch: a message longer
// than V8's string limit (~512 MiB) threw "Cannot create a string longer than
// 0x1fffffe8 characters" inside the socket's data handler, an uncaught
// exception that ends the process for every tenant. A connection that broke
// under a streamed query (that, or a reset) was reported to the connection,
// not the query: the answer hung, holding a pool slot, until its time limit.
// Stand-in server: test/support/mysql-server.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMysqlConnector } from '../../connectors/mysql/connector'
import type { Connector } from '../../connectors/connector'
import { drain, watchUncaught } from '../support/crash-probe'
import { MysqlPacketCap } from '../../connectors/mysql/packet-cap'
import { MysqlServer } from '../support/mysql-server'

let server: MysqlServer
let connector: Connector
let watch: ReturnType<typeof watchUncaught>


describe('attack: a MySQL server that ends the process or fills its memory', () => {
  beforeAll(async () => {
    watch = watchUncaught()
    server = await new MysqlServer().start()
    connector = createMysqlConnector({
      type: 'mysql', config: { host: '127.0.0.1', port: server.port, database: 'shop', user: 'nexatron', ssl: 'disable' },
      credentials: { password: '' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await connector?.close()
    await server?.stop()
  })

  it('answers from the stand-in (control)', async () => {
    server.onQuery = { rows: ['a', 'b'] }
    const r = await drain(connector)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })

  it('refuses a value over the packet cap as it grows, without buffering it all', async () => {
    server.onQuery = { hugeValueBytes: 600 * 2 ** 20 }
    const r = await drain(connector)
    expect(watch.seen).toEqual([])
    expect(r.error).toBeDefined()
    expect(server.hugeBytesSent).toBeLessThan(200 * 2 ** 20)
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 64 MiB/)
  }, 60_000)

  it('survives an oversized error packet sent to a connection idle in the pool', async () => {
    server.onQuery = { rows: ['x'] }
    server.errorWhileIdle = 600 * 2 ** 20
    const r = await drain(connector)
    expect(r.rows).toEqual([['x']])
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    expect(watch.seen).toEqual([])
  }, 60_000)

  it('fails the query at once, not at its time limit, when the connection is reset while it runs', async () => {
    server.onQuery = { reset: true }
    const r = await drain(connector)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: expect.stringMatching(/query_failed|unreachable/) })
    expect(r.ms).toBeLessThan(5_000)
  })

  it('still answers afterwards, on a fresh connection (control)', async () => {
    server.onQuery = { rows: ['c'] }
    const r = await drain(connector)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['c']])
  })

  it('follows the packet framing across chunks, joining 16 MiB runs into one logical packet', () => {
    const frame = (n: number, seq = 0) => { const b = Buffer.alloc(4 + n); b.writeUIntLE(n, 0, 3); b[3] = seq; return b }
    const cap = new MysqlPacketCap(3 * 0xffffff)
    // Two full packets and a short one: one logical packet of just over 32 MiB, under the cap.
    const run3 = Buffer.concat([frame(0xffffff), frame(0xffffff, 1), frame(10, 2)])
    expect(cap.push(run3.subarray(0, 3))).toBeNull()
    expect(cap.push(run3.subarray(3, 0xffffff + 6))).toBeNull()
    expect(cap.push(run3.subarray(0xffffff + 6))).toBeNull()
    // The count starts again after the short packet: small packets never add up.
    for (let i = 0; i < 100; i++) expect(cap.push(frame(1000))).toBeNull()
    // Four full packets in a row exceed 3 x 16 MiB as the fourth header arrives.
    const tight = new MysqlPacketCap(3 * 0xffffff)
    for (let i = 0; i < 3; i++) expect(tight.push(frame(0xffffff, i))).toBeNull()
    expect(tight.push(frame(0xffffff, 3).subarray(0, 4))).toMatch(/over the 48 MiB/)
  })
})
