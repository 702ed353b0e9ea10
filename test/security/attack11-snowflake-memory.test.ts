// Attack: take the process's memory from every tenant through one tenant's
// Snowflake connection. `access_url` may name a server of the tenant's own;
// snowflake-sdk read each HTTP answer (the query response with its first rows
// inline, and every result chunk fetched by URL) into one string with no size
// limit, then parsed it: a 200 MB value came back whole with ~990 MB peak RSS,
// and an answer past V8's string limit cannot even be held. The hostile server
// here forwards login and session traffic to the stand-in
// (test/support/snowflake-server.ts) and answers chosen queries itself,
// streaming their bodies piece by piece so only the client side holds them.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSnowflakeConnector } from '../../connectors/snowflake/connector'
import type { Connector } from '../../connectors/connector'
import { MAX_SNOWFLAKE_ANSWER_BYTES, MAX_SNOWFLAKE_VALUE_BYTES } from '../../connectors/snowflake/answer-cap'
import { drain, watchUncaught } from '../support/crash-probe'
import { SnowflakeTestServer } from '../support/snowflake-server'
import { SnowflakeInterposer } from '../support/snowflake-interposer'
import { streamBody } from '../support/http-interposer'

const MiB = 2 ** 20
const ROWTYPE = [{ name: 'V', type: 'text', precision: null, scale: null, nullable: true, length: 16777216, byteLength: 16777216, database: '', schema: '', table: '', collation: null }]

class HostileSnowflake extends SnowflakeInterposer {
  /** Filler bytes written for each hostile answer so far, most recent last. */
  readonly sent: number[] = []

  private track(): (n: number) => void {
    const at = this.sent.push(0) - 1
    return (n) => { this.sent[at] = n }
  }
  constructor(upstream: SnowflakeTestServer, private readonly answers: Record<string, { inlineBytes?: number; chunkBytes?: number; valueBytes?: number }>) { super(upstream) }

  protected async intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean> {
    if (url.pathname.startsWith('/hostile-chunk/')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      await streamBody(res, '["', this.answers[url.pathname.slice('/hostile-chunk/'.length)].chunkBytes!, '"]', this.track())
      return true
    }
    const name = sql === undefined ? undefined : Object.keys(this.answers).find((k) => sql.includes(k))
    if (!name) return false
    await this.hostile(name, res)
    return true
  }

  private async hostile(name: string, res: http.ServerResponse): Promise<void> {
    const a = this.answers[name]
    const data = { queryId: `q-${name}`, rowtype: ROWTYPE, total: 1, returned: 1, queryResultFormat: 'json', statementTypeId: 4096, parameters: [{ name: 'TIMEZONE', value: 'UTC' }] }
    res.writeHead(200, { 'content-type': 'application/json' })
    if (a.chunkBytes) {
      const chunked = { ...data, rowset: [], chunks: [{ url: `${this.url}/hostile-chunk/${name}`, rowCount: 1, uncompressedSize: 10, compressedSize: 10 }], chunkHeaders: {} }
      res.end(JSON.stringify({ success: true, code: null, message: null, data: chunked }))
      return
    }
    const json = JSON.stringify({ success: true, code: null, message: null, data: { ...data, rowset: '<ROWSET>' } })
    const [head, tail] = json.split('"<ROWSET>"')
    await streamBody(res, `${head}[["`, a.inlineBytes ?? a.valueBytes!, `"]]${tail}`, this.track())
  }
}

/** Highest RSS seen while `run` runs, sampled every 20 ms. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 20)
  try {
    const value = await run()
    return { value, peakMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / MiB) }
  } finally {
    clearInterval(timer)
  }
}

let upstream: SnowflakeTestServer
let hostile: HostileSnowflake
let connector: Connector
let watch: ReturnType<typeof watchUncaught>

describe('attack: a Snowflake endpoint that answers more than the process can hold', () => {
  beforeAll(async () => {
    watch = watchUncaught()
    upstream = await new SnowflakeTestServer().start()
    upstream.on('SELECT V FROM SMALL', { columns: [{ name: 'V', type: 'text' }], rows: [['a'], ['b']] })
    hostile = await new HostileSnowflake(upstream, {
      HUGE_INLINE: { inlineBytes: 600 * MiB },
      HUGE_CHUNK: { chunkBytes: 600 * MiB },
      WIDE_VALUE: { valueBytes: MAX_SNOWFLAKE_VALUE_BYTES + MiB },
    }).start()
    connector = createSnowflakeConnector({
      type: 'snowflake',
      config: { account: 'acme-test', database: 'ANALYTICS', access_url: hostile.url },
      credentials: { username: 'nexatron', password: 'secret' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await connector?.close()
    await hostile?.stop()
    await upstream?.stop()
  })

  it('answers through the forwarding endpoint (control)', async () => {
    const r = await drain(connector, 'SELECT V FROM SMALL')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })

  it('refuses a query answer over the byte cap as it arrives, with bounded memory', async () => {
    const before = Math.round(process.memoryUsage().rss / MiB)
    const { value: r, peakMiB } = await peakRss(() => drain(connector, 'SELECT V FROM HUGE_INLINE', 60_000))
    console.info(`inline answer: rss before ${before} MiB, peak ${peakMiB} MiB, sent ${Math.round(hostile.sent.at(-1)! / MiB)} MiB, ${Math.round(r.ms)} ms`)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 256 MiB/)
    expect(hostile.sent.at(-1)!).toBeLessThan(MAX_SNOWFLAKE_ANSWER_BYTES + 64 * MiB)
    // One capped answer held (plus its decoded copy in flight), not the 600 MiB sent.
    expect(peakMiB - before).toBeLessThan(560)
    expect(r.ms).toBeLessThan(30_000) // refused, not retried until the time limit
  }, 90_000)

  it('refuses a result chunk over the byte cap as it arrives', async () => {
    const before = Math.round(process.memoryUsage().rss / MiB)
    const { value: r, peakMiB } = await peakRss(() => drain(connector, 'SELECT V FROM HUGE_CHUNK', 60_000))
    console.info(`chunk: rss before ${before} MiB, peak ${peakMiB} MiB, sent ${Math.round(hostile.sent.at(-1)! / MiB)} MiB, ${Math.round(r.ms)} ms`)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 256 MiB/)
    expect(hostile.sent.at(-1)!).toBeLessThan(MAX_SNOWFLAKE_ANSWER_BYTES + 64 * MiB)
    expect(peakMiB - before).toBeLessThan(560)
    expect(r.ms).toBeLessThan(30_000)
  }, 90_000)

  it('refuses a single value over the value cap inside an answer under the answer cap', async () => {
    const r = await drain(connector, 'SELECT V FROM WIDE_VALUE', 60_000)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 64 MiB/)
  }, 90_000)

  it('still answers on the same connector afterwards', async () => {
    const r = await drain(connector, 'SELECT V FROM SMALL')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })
})
