// Attack: end the whole service from one tenant's SQL Server connection.
// tedious parses each response's tokens in a generator it wraps with
// Readable.from and listens to for 'data' only; anything the parser throws is
// emitted as that stream's 'error', which nobody hears: an uncaught exception,
// the process gone for every tenant. A server a tenant points a connection at
// can make it throw at will (a token type tedious does not know, a length that
// runs past the data); SQL Server itself can too, with a value longer than
// V8's string limit (an nvarchar(max) `REPLICATE` of 600 million characters,
// which tedious turns into one string). Stand-in server: test/support/tds-server.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMssqlConnector } from '../../connectors/mssql/connector'
import type { Connector } from '../../connectors/connector'
import { drain, watchUncaught } from '../support/crash-probe'
import { TdsTestServer } from '../support/tds-server'

let server: TdsTestServer
let connector: Connector
let watch: ReturnType<typeof watchUncaught>


describe('attack: a SQL Server whose answer tedious cannot parse', () => {
  beforeAll(async () => {
    watch = watchUncaught()
    server = await new TdsTestServer({ users: { nexatron_reader: 'Str0ng-Passw0rd!' } }).start()
    // 0x00 is no token type; 0xd1 (ROW) with no column metadata before it is no row tedious can read.
    server.on('SELECT broken FROM t', { raw: Buffer.from([0x00, 0x01, 0x02, 0x03]) })
    connector = createMssqlConnector({
      type: 'mssql',
      config: { host: '127.0.0.1', port: server.port, database: 'analytics', encrypt: false },
      credentials: { username: 'nexatron_reader', password: 'Str0ng-Passw0rd!' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await connector?.close()
    await server?.stop()
  })

  it('answers from the stand-in (control)', async () => {
    const r = await drain(connector, 'SELECT 1', 10_000)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([[1]])
  })

  it('fails only that query, at once, when the answer cannot be parsed', async () => {
    const r = await drain(connector, 'SELECT broken FROM t', 10_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: expect.stringMatching(/query_failed|unreachable/) })
    expect(r.ms).toBeLessThan(5_000)
    expect(r.error!.message).toMatch(/could not be read|lost the connection/)
  })

  it('still answers afterwards (control)', async () => {
    const r = await drain(connector, 'SELECT 1', 10_000)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([[1]])
  })
})
