// A local TDS 7.4 server for testing the SQL Server connector through the real
// `mssql`/tedious driver. Packets are framed and parsed with tedious's own
// message classes (IncomingMessageStream, OutgoingMessageStream, Message,
// PreloginPayload), as tedious's unit tests do; tokens are encoded here from
// the MS-TDS specification. It speaks: PRELOGIN (no encryption), LOGIN7 ->
// LOGINACK (or error 18456), SQL batches, RPC sp_executesql with typed
// parameters (the pool's validation `SELECT 1;` arrives this way too),
// transaction-manager BEGIN/ROLLBACK, ATTENTION (cancel) acknowledged with
// DONE_ATTN, and COLMETADATA/ROW/DONE results written with backpressure.
//
// It is not a SQL engine: tests register the answer for each SQL text (`on`);
// built-ins cover `SELECT 1`, `SELECT @@VERSION`, `WAITFOR DELAY` and the
// INFORMATION_SCHEMA queries the connector sends, over a small catalog.
import net from 'node:net'
import { createRequire } from 'node:module'
import type { Readable, Writable } from 'node:stream'

// tedious's internal classes are CommonJS files outside its public exports map's types.
const require = createRequire(import.meta.url)
type MessageCtor = new (o: { type: number; resetConnection?: boolean }) => Writable & Readable & { type: number }
const Debug = require('tedious/lib/debug') as new () => object
const IncomingMessageStream = require('tedious/lib/incoming-message-stream') as new (debug: object) => Writable & Readable
const OutgoingMessageStream = require('tedious/lib/outgoing-message-stream') as new (debug: object, o: { packetSize: number }) => Writable & Readable
const Message = require('tedious/lib/message') as MessageCtor
const PreloginPayload = require('tedious/lib/prelogin-payload') as new (o: { encrypt: boolean; version: { major: number; minor: number; build: number; subbuild: number } }) => { data: Buffer }

const PACKET = { SQL_BATCH: 0x01, RPC_REQUEST: 0x03, TABULAR_RESULT: 0x04, ATTENTION: 0x06, TRANSACTION_MANAGER: 0x0e, LOGIN7: 0x10, PRELOGIN: 0x12 }
const TOKEN = { COLMETADATA: 0x81, ERROR: 0xaa, INFO: 0xab, LOGINACK: 0xad, ENVCHANGE: 0xe3, ROW: 0xd1, DONE: 0xfd, DONEPROC: 0xfe, DONEINPROC: 0xff, RETURNSTATUS: 0x79 }
const DONE = { FINAL: 0x00, MORE: 0x01, ERROR: 0x02, INXACT: 0x04, COUNT: 0x10, ATTN: 0x20 }
/** SQL_Latin1_General_CP1_CI_AS */
const COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34])

export type TdsType =
  | 'tinyint' | 'smallint' | 'int' | 'bigint' | 'bit' | 'float' | 'real' | 'decimal' | 'numeric'
  | 'nvarchar' | 'date' | 'time' | 'datetime' | 'datetime2' | 'datetimeoffset' | 'uniqueidentifier' | 'varbinary'
export interface TdsColumn { name: string; type: TdsType; precision?: number; scale?: number; nullable?: boolean }
/** Values as JS: numbers, strings (bigint/decimal as text), booleans, Dates or ISO strings, Buffers, null. */
export interface TdsResult { columns: TdsColumn[]; rows: unknown[][]; /** Further result sets of the same batch. */ more?: TdsResult[] }
export interface TdsError { number: number; message: string; state?: number; class?: number }
/** Bytes written as the whole token stream of the answer, as a server that misbehaves would. */
export interface TdsRawAnswer { raw: Buffer }
export type TdsAnswer = TdsResult | TdsError | TdsRawAnswer | { delayMs: number; then: TdsResult | TdsError }

export interface TdsRequestRecord {
  kind: 'batch' | 'rpc'
  sql: string
  params: Record<string, { type: string; value: unknown }>
  session: number
  inTransaction: boolean
  status: 'running' | 'done' | 'error' | 'cancelled'
}
export interface TdsLogin { session: number; user: string; database: string; appName: string; readOnlyIntent: boolean; ok: boolean }

export interface TdsCatalogTable {
  schema: string
  name: string
  kind?: 'BASE TABLE' | 'VIEW'
  columns: Array<{ name: string; dataType: string; nullable?: boolean; maxLength?: number; precision?: number; scale?: number }>
  primaryKey?: string[]
  foreignKeys?: Array<{ name: string; columns: string[]; references: { schema: string; table: string; columns: string[] } }>
}

export interface TdsTestServerOptions {
  users?: Record<string, string>
  version?: string
  catalog?: TdsCatalogTable[]
  /** Rows written per TDS message write (small values interleave attention checks often). */
  rowsPerWrite?: number
  /**
   * The login is only in db_datareader (default true), as the README tells
   * admins to set up: writes fail with 229 and DDL with 262 like in SQL Server.
   */
  readerOnly?: boolean
}

const DML = /^\s*(insert|update|delete|merge|truncate)\b/i
const DDL = /^\s*(create|drop|alter|grant|revoke|deny|exec|execute|bulk)\b/i

interface Session {
  id: number
  socket: net.Socket
  out: Writable
  transaction?: Buffer
  current?: { attention: boolean; record?: TdsRequestRecord; wake?: () => void }
  login?: TdsLogin
}

export class TdsTestServer {
  readonly logins: TdsLogin[] = []
  readonly requests: TdsRequestRecord[] = []
  readonly attentions: number[] = []
  readonly transactions: Array<{ session: number; op: 'begin' | 'commit' | 'rollback' }> = []
  private handlers: Array<(sql: string, rec: TdsRequestRecord) => TdsAnswer | undefined> = []
  private server?: net.Server
  private sessions = new Map<number, Session>()
  private nextSession = 51
  private readonly users: Record<string, string>
  private readonly version: string
  private readonly catalog: TdsCatalogTable[]
  private readonly rowsPerWrite: number
  private readonly readerOnly: boolean

  constructor(opts: TdsTestServerOptions = {}) {
    this.users = opts.users ?? { nexatron: 'Secret-123' }
    this.version = opts.version ?? 'Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) (TDS test server)'
    this.catalog = opts.catalog ?? []
    this.rowsPerWrite = opts.rowsPerWrite ?? 50
    this.readerOnly = opts.readerOnly ?? true
  }

  get port(): number {
    return (this.server?.address() as net.AddressInfo).port
  }

  /** Sessions currently connected, like sys.dm_exec_sessions. */
  get openSessions(): number {
    return this.sessions.size
  }

  /** Whether a session (see `logins[].session`) is still connected. */
  isConnected(session: number): boolean {
    return this.sessions.has(session)
  }

  /** Requests still executing, like sys.dm_exec_requests. */
  runningRequests(): TdsRequestRecord[] {
    return this.requests.filter((r) => r.status === 'running')
  }

  async start(): Promise<this> {
    this.server = net.createServer((socket) => this.accept(socket))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    for (const s of this.sessions.values()) s.socket.destroy()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }

  on(match: string | RegExp | ((sql: string) => boolean), answer: TdsAnswer | ((sql: string, rec: TdsRequestRecord) => TdsAnswer)): this {
    const test = typeof match === 'string' ? (s: string) => norm(s) === norm(match) : match instanceof RegExp ? (s: string) => match.test(s) : match
    this.handlers.unshift((sql, rec) => (test(sql) ? (typeof answer === 'function' ? answer(sql, rec) : answer) : undefined))
    return this
  }

  // --- connection handling -------------------------------------------------

  private accept(socket: net.Socket): void {
    const debug = new Debug()
    const incoming = new IncomingMessageStream(debug)
    const out = new OutgoingMessageStream(debug, { packetSize: 4096 })
    const session: Session = { id: this.nextSession++, socket, out }
    this.sessions.set(session.id, session)
    socket.pipe(incoming)
    out.pipe(socket)
    socket.on('error', () => {})
    socket.on('close', () => {
      this.sessions.delete(session.id)
      if (session.current) {
        session.current.attention = true
        session.current.wake?.()
      }
    })
    // Messages are handled without awaiting the previous response, so an
    // ATTENTION can arrive while a result is still being written.
    incoming.on('data', (message: Readable & { type: number }) => {
      const chunks: Buffer[] = []
      message.on('data', (c: Buffer) => chunks.push(c))
      message.on('end', () => void this.dispatch(session, message.type, Buffer.concat(chunks)).catch(() => socket.destroy()))
    })
  }

  private send(session: Session, tokens: Buffer[]): void {
    const m = new Message({ type: PACKET.TABULAR_RESULT })
    session.out.write(m)
    m.end(Buffer.concat(tokens))
  }

  private async dispatch(session: Session, type: number, data: Buffer): Promise<void> {
    switch (type) {
      case PACKET.PRELOGIN: {
        const reply = new PreloginPayload({ encrypt: false, version: { major: 16, minor: 0, build: 1000, subbuild: 0 } })
        const m = new Message({ type: PACKET.TABULAR_RESULT })
        session.out.write(m)
        m.end(reply.data)
        return
      }
      case PACKET.LOGIN7:
        return this.login(session, data)
      case PACKET.ATTENTION: {
        this.attentions.push(session.id)
        if (session.current) {
          session.current.attention = true
          session.current.wake?.()
        } else {
          // Nothing running: acknowledge at once.
          this.send(session, [done(TOKEN.DONE, DONE.ATTN, 0)])
        }
        return
      }
      case PACKET.TRANSACTION_MANAGER:
        return this.transactionManager(session, data)
      case PACKET.SQL_BATCH: {
        const { offset, txn } = allHeaders(data)
        return this.execute(session, 'batch', data.toString('ucs2', offset), {}, txn)
      }
      case PACKET.RPC_REQUEST: {
        const rpc = parseRpc(data)
        const stmt = rpc.params.find((p) => p.name === '@statement' || p.name === '@stmt') ?? rpc.params[0]
        const values: Record<string, { type: string; value: unknown }> = {}
        for (const p of rpc.params.slice(2)) values[p.name.replace(/^@/, '')] = { type: p.type, value: p.value }
        return this.execute(session, 'rpc', String(stmt?.value ?? ''), values, rpc.txn)
      }
      default:
        this.send(session, [errorToken({ number: 4002, message: `Unsupported packet type ${type}` }), done(TOKEN.DONE, DONE.ERROR, 0)])
    }
  }

  private login(session: Session, data: Buffer): void {
    const login = parseLogin7(data)
    const ok = login.user in this.users && this.users[login.user] === login.password
    const record: TdsLogin = { session: session.id, user: login.user, database: login.database, appName: login.appName, readOnlyIntent: login.readOnlyIntent, ok }
    this.logins.push(record)
    if (!ok) {
      this.send(session, [errorToken({ number: 18456, state: 1, class: 14, message: `Login failed for user '${login.user}'.` }), done(TOKEN.DONE, DONE.ERROR, 0)])
      return
    }
    session.login = record
    const db = login.database || 'master'
    this.send(session, [
      envChange(1, bVarchar(db), bVarchar('master')),
      infoToken(5701, `Changed database context to '${db}'.`),
      envChange(7, bVarbyte(COLLATION), bVarbyte(Buffer.alloc(0))),
      envChange(2, bVarchar('us_english'), bVarchar('')),
      loginAck(),
      envChange(4, bVarchar('4096'), bVarchar('4096')),
      done(TOKEN.DONE, DONE.FINAL, 0),
    ])
  }

  private transactionManager(session: Session, data: Buffer): void {
    const { offset } = allHeaders(data)
    const op = data.readUInt16LE(offset)
    if (op === 5) {
      // TM_BEGIN_XACT
      const descriptor = Buffer.alloc(8)
      descriptor.writeUInt32LE(session.id * 1000 + this.transactions.length + 1, 0)
      session.transaction = descriptor
      this.transactions.push({ session: session.id, op: 'begin' })
      this.send(session, [envChange(8, bVarbyte(descriptor), bVarbyte(Buffer.alloc(0))), done(TOKEN.DONE, DONE.FINAL, 0)])
    } else if (op === 7 || op === 8) {
      const old = session.transaction ?? Buffer.alloc(8)
      session.transaction = undefined
      this.transactions.push({ session: session.id, op: op === 7 ? 'commit' : 'rollback' })
      this.send(session, [envChange(op === 7 ? 9 : 10, bVarbyte(Buffer.alloc(0)), bVarbyte(old)), done(TOKEN.DONE, DONE.FINAL, 0)])
    } else {
      this.send(session, [errorToken({ number: 4002, message: `Unsupported transaction request ${op}` }), done(TOKEN.DONE, DONE.ERROR, 0)])
    }
  }

  private async execute(session: Session, kind: 'batch' | 'rpc', sql: string, params: TdsRequestRecord['params'], txn: Buffer | undefined): Promise<void> {
    const record: TdsRequestRecord = { kind, sql, params, session: session.id, inTransaction: !!txn && !txn.equals(Buffer.alloc(8)), status: 'running' }
    const endToken = kind === 'rpc' ? TOKEN.DONEPROC : TOKEN.DONE
    const current: NonNullable<Session['current']> = { attention: false, record }
    session.current = current
    // tedious reads the (cut short) response to the cancelled request as one
    // message and then expects the acknowledgement, a DONE with DONE_ATTN, as
    // the next message.
    const acknowledge = () => this.send(session, [done(TOKEN.DONE, DONE.ATTN, 0)])
    const finishAttention = () => {
      record.status = 'cancelled'
      session.current = undefined
      this.send(session, [done(endToken, DONE.ERROR, 0)])
      acknowledge()
    }
    // tedious's session setup and the SET options it sends are not "requests" worth recording.
    if (kind === 'batch' && /^\s*set\s/i.test(sql)) {
      session.current = undefined
      this.send(session, [done(TOKEN.DONE, DONE.FINAL, 0)])
      return
    }
    this.requests.push(record)
    let answer = this.answer(sql, record)
    if ('delayMs' in answer) {
      const delayed = answer
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayed.delayMs)
        current.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      current.wake = undefined
      if (current.attention) return finishAttention()
      answer = delayed.then
    }
    if ('number' in answer) {
      record.status = 'error'
      session.current = undefined
      const tokens = [errorToken(answer)]
      if (kind === 'rpc') tokens.push(done(TOKEN.DONEINPROC, DONE.ERROR, 0), returnStatus(0), done(TOKEN.DONEPROC, DONE.ERROR, 0))
      else tokens.push(done(TOKEN.DONE, DONE.ERROR, 0))
      this.send(session, tokens)
      return
    }

    if ('raw' in answer) {
      record.status = 'done'
      session.current = undefined
      this.send(session, [answer.raw])
      return
    }
    // Stream the result: one message, written in slices with backpressure,
    // checking for an ATTENTION between slices.
    const m = new Message({ type: PACKET.TABULAR_RESULT })
    session.out.write(m)
    const write = async (buf: Buffer) => {
      if (!m.write(buf)) await new Promise<void>((resolve) => {
        current.wake = resolve
        m.once('drain', resolve)
      })
      current.wake = undefined
    }
    let sent = 0
    const sets = [answer, ...(answer.more ?? [])]
    for (const [n, set] of sets.entries()) {
      if (current.attention) break
      await write(colMetadata(set.columns))
      for (let i = 0; i < set.rows.length; i += this.rowsPerWrite) {
        if (current.attention) break
        const slice = set.rows.slice(i, i + this.rowsPerWrite)
        await write(Buffer.concat(slice.map((r) => rowToken(set.columns, r))))
        sent += slice.length
        // yield to the event loop so an ATTENTION packet can be read
        await new Promise((r) => setImmediate(r))
      }
      // every result set but the last ends with DONE(INPROC) + MORE
      if (n < sets.length - 1 && !current.attention) await write(done(kind === 'rpc' ? TOKEN.DONEINPROC : TOKEN.DONE, DONE.COUNT | DONE.MORE, set.rows.length))
    }
    session.current = undefined
    if (current.attention) {
      record.status = 'cancelled'
      m.end(done(endToken, DONE.ERROR, sent))
      acknowledge()
      return
    }
    record.status = 'done'
    const inx = session.transaction ? DONE.INXACT : 0
    m.end(kind === 'rpc'
      ? Buffer.concat([done(TOKEN.DONEINPROC, DONE.COUNT | DONE.MORE | inx, sent), returnStatus(0), done(TOKEN.DONEPROC, inx, 0)])
      : done(TOKEN.DONE, DONE.COUNT | inx, sent))
  }

  private answer(sql: string, record: TdsRequestRecord): TdsAnswer {
    if (this.readerOnly) {
      for (const statement of sql.split(';')) {
        const verb = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? ''
        if (DML.test(statement)) return { number: 229, state: 5, class: 14, message: `The ${verb} permission was denied on the object, database '${this.logins.find((l) => l.session === record.session)?.database ?? 'master'}'.` }
        if (DDL.test(statement)) return { number: 262, state: 1, class: 14, message: `${verb} permission denied in database '${this.logins.find((l) => l.session === record.session)?.database ?? 'master'}'.` }
      }
    }
    for (const h of this.handlers) {
      const a = h(sql, record)
      if (a) return a
    }
    return this.builtin(sql, record) ?? { number: 208, state: 1, class: 16, message: `Invalid object name or unsupported statement for this test server: ${sql.slice(0, 80)}` }
  }

  // --- built-ins -------------------------------------------------------------

  private builtin(sql: string, record: TdsRequestRecord): TdsAnswer | undefined {
    const n = norm(sql)
    if (n === 'select 1') return { columns: [{ name: '', type: 'int', nullable: false }], rows: [[1]] }
    if (n === 'select @@version') return { columns: [{ name: '', type: 'nvarchar' }], rows: [[this.version]] }
    const wait = /waitfor delay '(\d\d):(\d\d):(\d\d)(?:\.(\d+))?'/.exec(n)
    if (wait) return { delayMs: ((+wait[1] * 60 + +wait[2]) * 60 + +wait[3]) * 1000 + Number(`0.${wait[4] ?? 0}`) * 1000, then: { columns: [], rows: [] } }
    if (!n.includes('information_schema.')) return undefined
    // the connector binds the schema filter as its only parameters
    const wanted = Object.values(record.params).map((v) => String(v.value))
    const keep = (schema: string) => wanted.length === 0 || wanted.includes(schema)
    const tables = this.catalog.filter((t) => keep(t.schema))
    const str = (name: string): TdsColumn => ({ name, type: 'nvarchar' })
    const int = (name: string): TdsColumn => ({ name, type: 'int' })
    if (/from information_schema\.tables/.test(n)) {
      return { columns: [str('TABLE_SCHEMA'), str('TABLE_NAME'), str('TABLE_TYPE')], rows: tables.map((t) => [t.schema, t.name, t.kind ?? 'BASE TABLE']) }
    }
    if (/from information_schema\.columns/.test(n)) {
      return {
        columns: [str('TABLE_SCHEMA'), str('TABLE_NAME'), str('COLUMN_NAME'), str('DATA_TYPE'), str('IS_NULLABLE'), int('CHARACTER_MAXIMUM_LENGTH'), { name: 'NUMERIC_PRECISION', type: 'tinyint' }, int('NUMERIC_SCALE')],
        rows: tables.flatMap((t) => t.columns.map((c) => [t.schema, t.name, c.name, c.dataType, c.nullable === false ? 'NO' : 'YES', c.maxLength ?? null, c.precision ?? null, c.scale ?? null])),
      }
    }
    if (/from information_schema\.table_constraints/.test(n)) {
      // primary keys: schema, table, column, ordinal
      const rows: unknown[][] = []
      for (const t of tables) (t.primaryKey ?? []).forEach((c, i) => rows.push([t.schema, t.name, c, i + 1]))
      return { columns: [str('TABLE_SCHEMA'), str('TABLE_NAME'), str('COLUMN_NAME'), int('ORDINAL_POSITION')], rows }
    }
    if (/from information_schema\.referential_constraints/.test(n)) {
      // foreign keys: constraint, schema, table, column, ref schema, ref table, ref column, ordinal
      const rows: unknown[][] = []
      for (const t of tables) {
        for (const fk of t.foreignKeys ?? []) fk.columns.forEach((c, i) => rows.push([fk.name, t.schema, t.name, c, fk.references.schema, fk.references.table, fk.references.columns[i], i + 1]))
      }
      return { columns: [str('CONSTRAINT_NAME'), str('TABLE_SCHEMA'), str('TABLE_NAME'), str('COLUMN_NAME'), str('REF_SCHEMA'), str('REF_TABLE'), str('REF_COLUMN'), int('ORDINAL_POSITION')], rows }
    }
    return undefined
  }
}

// --- request parsing -----------------------------------------------------------

/** Skips ALL_HEADERS; returns the transaction descriptor if one was sent. */
function allHeaders(data: Buffer): { offset: number; txn?: Buffer } {
  const total = data.readUInt32LE(0)
  let off = 4
  let txn: Buffer | undefined
  while (off < total) {
    const len = data.readUInt32LE(off)
    const type = data.readUInt16LE(off + 4)
    if (type === 2) txn = data.subarray(off + 6, off + 14)
    off += len
  }
  return { offset: total, txn }
}

function parseLogin7(data: Buffer): { user: string; password: string; database: string; appName: string; readOnlyIntent: boolean } {
  const typeFlags = data.readUInt8(26)
  const field = (i: number) => {
    const off = data.readUInt16LE(36 + i * 4)
    const len = data.readUInt16LE(38 + i * 4)
    return data.subarray(off, off + len * 2)
  }
  // Password bytes: nibbles swapped, then XOR 0xA5 (MS-TDS 2.2.6.4).
  const pw = Buffer.from(field(2).map((b) => {
    const x = b ^ 0xa5
    return ((x & 0x0f) << 4) | (x >> 4)
  }))
  return {
    user: field(1).toString('ucs2'),
    password: pw.toString('ucs2'),
    appName: field(3).toString('ucs2'),
    database: field(8).toString('ucs2'),
    readOnlyIntent: (typeFlags & 0x20) !== 0,
  }
}

interface RpcParam { name: string; type: string; value: unknown }

function parseRpc(data: Buffer): { proc: string | number; params: RpcParam[]; txn?: Buffer } {
  const { offset, txn } = allHeaders(data)
  const r = new Reader(data, offset)
  const nameLen = r.u16()
  const proc: string | number = nameLen === 0xffff ? r.u16() : r.ucs2(nameLen)
  r.u16() // option flags
  const params: RpcParam[] = []
  while (r.off < data.length) {
    const name = r.ucs2(r.u8())
    r.u8() // status flags
    params.push({ name, ...readTypedValue(r) })
  }
  return { proc, params, txn }
}

class Reader {
  constructor(readonly buf: Buffer, public off: number) {}
  u8() { return this.buf.readUInt8(this.off++) }
  u16() { const v = this.buf.readUInt16LE(this.off); this.off += 2; return v }
  i16() { const v = this.buf.readInt16LE(this.off); this.off += 2; return v }
  u32() { const v = this.buf.readUInt32LE(this.off); this.off += 4; return v }
  bytes(n: number) { const v = this.buf.subarray(this.off, this.off + n); this.off += n; return v }
  ucs2(chars: number) { return this.bytes(chars * 2).toString('ucs2') }
  uint(n: number) { let v = 0; for (let i = 0; i < n; i++) v += this.buf[this.off + i] * 2 ** (8 * i); this.off += n; return v }
}

/** TYPE_INFO + value of an RPC parameter, for the types tedious sends for mssql's inputs. */
function readTypedValue(r: Reader): { type: string; value: unknown } {
  const id = r.u8()
  switch (id) {
    case 0x26: { // INTN
      r.u8()
      const len = r.u8()
      if (len === 0) return { type: 'int', value: null }
      const b = r.bytes(len)
      const value = len === 1 ? b.readUInt8(0) : len === 2 ? b.readInt16LE(0) : len === 4 ? b.readInt32LE(0) : b.readBigInt64LE(0).toString()
      return { type: len === 8 ? 'bigint' : 'int', value }
    }
    case 0x68: { // BITN
      r.u8()
      const len = r.u8()
      return { type: 'bit', value: len === 0 ? null : r.u8() === 1 }
    }
    case 0x6d: { // FLTN
      r.u8()
      const len = r.u8()
      if (len === 0) return { type: 'float', value: null }
      const b = r.bytes(len)
      return { type: len === 8 ? 'float' : 'real', value: len === 8 ? b.readDoubleLE(0) : b.readFloatLE(0) }
    }
    case 0x6a: case 0x6c: { // DECIMALN / NUMERICN
      r.u8()
      r.u8()
      const scale = r.u8()
      const len = r.u8()
      if (len === 0) return { type: 'decimal', value: null }
      const sign = r.u8() === 1 ? 1n : -1n
      let mag = 0n
      const b = r.bytes(len - 1)
      for (let i = b.length - 1; i >= 0; i--) mag = (mag << 8n) | BigInt(b[i])
      const digits = (sign * mag).toString()
      const neg = digits.startsWith('-')
      const abs = (neg ? digits.slice(1) : digits).padStart(scale + 1, '0')
      return { type: 'decimal', value: `${neg ? '-' : ''}${scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs}` }
    }
    case 0xe7: case 0xa7: case 0xa5: { // NVARCHAR, VARCHAR, VARBINARY
      const max = r.u16()
      if (id !== 0xa5) r.bytes(5)
      const raw = max === 0xffff ? readPlp(r) : (() => { const len = r.u16(); return len === 0xffff ? null : r.bytes(len) })()
      const type = id === 0xe7 ? 'nvarchar' : id === 0xa7 ? 'varchar' : 'varbinary'
      if (raw === null) return { type, value: null }
      return { type, value: id === 0xe7 ? raw.toString('ucs2') : id === 0xa7 ? raw.toString('latin1') : Buffer.from(raw) }
    }
    case 0x2b: case 0x2a: case 0x28: case 0x29: { // DATETIMEOFFSETN, DATETIME2N, DATEN, TIMEN
      const scale = id === 0x28 ? 0 : r.u8()
      const len = r.u8()
      const type = { 0x2b: 'datetimeoffset', 0x2a: 'datetime2', 0x28: 'date', 0x29: 'time' }[id]!
      if (len === 0) return { type, value: null }
      const units = id === 0x28 ? 0 : r.uint(timeLen(scale))
      const days = id === 0x29 ? 0 : r.uint(3)
      if (id === 0x2b) r.i16() // offset in minutes; date and time are already UTC
      const seconds = units / 10 ** scale
      if (id === 0x29) return { type, value: seconds }
      const utc = new Date(EPOCH_0001 + days * 86_400_000 + seconds * 1000).toISOString()
      return { type, value: id === 0x28 ? utc.slice(0, 10) : utc }
    }
    case 0x6f: { // DATETIMN
      r.u8()
      const len = r.u8()
      if (len === 0) return { type: 'datetime', value: null }
      const days = r.buf.readInt32LE(r.off)
      const ticks = r.buf.readUInt32LE(r.off + 4)
      r.off += 8
      return { type: 'datetime', value: new Date(Date.UTC(1900, 0, 1) + days * 86_400_000 + Math.round(ticks * 10 / 3)).toISOString() }
    }
    default:
      throw new Error(`TDS test server: unsupported parameter type 0x${id.toString(16)}`)
  }
}

/** 0001-01-01T00:00:00Z (Date.UTC maps years 0-99 to 19xx, hence setUTCFullYear). */
const EPOCH_0001 = (() => {
  const d = new Date(0)
  d.setUTCFullYear(1, 0, 1)
  return d.getTime()
})()

function readPlp(r: Reader): Buffer | null {
  const lo = r.u32()
  const hi = r.u32()
  if (lo === 0xffffffff && hi === 0xffffffff) return null
  const parts: Buffer[] = []
  for (;;) {
    const len = r.u32()
    if (len === 0) break
    parts.push(r.bytes(len))
  }
  return Buffer.concat(parts)
}

// --- token encoding ------------------------------------------------------------

function u8(v: number) { const b = Buffer.alloc(1); b.writeUInt8(v); return b }
function u16(v: number) { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b }
function i32(v: number) { const b = Buffer.alloc(4); b.writeInt32LE(v); return b }
function u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b }
function bVarchar(s: string) { return Buffer.concat([u8(s.length), Buffer.from(s, 'ucs2')]) }
function usVarchar(s: string) { return Buffer.concat([u16(s.length), Buffer.from(s, 'ucs2')]) }
function bVarbyte(b: Buffer) { return Buffer.concat([u8(b.length), b]) }
function uintLE(v: number, n: number) { const b = Buffer.alloc(n); let x = v; for (let i = 0; i < n; i++) { b[i] = x % 256; x = Math.floor(x / 256) } return b }

function done(token: number, status: number, rowCount: number): Buffer {
  const b = Buffer.alloc(13)
  b.writeUInt8(token, 0)
  b.writeUInt16LE(status, 1)
  b.writeUInt16LE(0xc1, 3) // CurCmd: SELECT
  b.writeBigUInt64LE(BigInt(rowCount), 5)
  return b
}

function envChange(type: number, newValue: Buffer, oldValue: Buffer): Buffer {
  const body = Buffer.concat([u8(type), newValue, oldValue])
  return Buffer.concat([u8(TOKEN.ENVCHANGE), u16(body.length), body])
}

function messageToken(token: number, e: TdsError): Buffer {
  const body = Buffer.concat([i32(e.number), u8(e.state ?? 1), u8(e.class ?? 16), usVarchar(e.message), bVarchar('tds-test'), bVarchar(''), i32(1)])
  return Buffer.concat([u8(token), u16(body.length), body])
}
function errorToken(e: TdsError): Buffer { return messageToken(TOKEN.ERROR, e) }
function infoToken(number: number, message: string): Buffer { return messageToken(TOKEN.INFO, { number, message, class: 0 }) }

function loginAck(): Buffer {
  const tdsVersion = Buffer.alloc(4)
  tdsVersion.writeUInt32BE(0x74000004)
  const body = Buffer.concat([u8(1), tdsVersion, bVarchar('Microsoft SQL Server'), Buffer.from([16, 0, 0x03, 0xe8])])
  return Buffer.concat([u8(TOKEN.LOGINACK), u16(body.length), body])
}

function returnStatus(v: number): Buffer { return Buffer.concat([u8(TOKEN.RETURNSTATUS), i32(v)]) }

const INT_LEN: Partial<Record<TdsType, number>> = { tinyint: 1, smallint: 2, int: 4, bigint: 8 }
const timeLen = (scale: number) => (scale <= 2 ? 3 : scale <= 4 ? 4 : 5)
const decimalLen = (p: number) => (p <= 9 ? 5 : p <= 19 ? 9 : p <= 28 ? 13 : 17)

function typeInfo(c: TdsColumn): Buffer {
  switch (c.type) {
    case 'tinyint': case 'smallint': case 'int': case 'bigint': return Buffer.from([0x26, INT_LEN[c.type]!])
    case 'bit': return Buffer.from([0x68, 1])
    case 'float': return Buffer.from([0x6d, 8])
    case 'real': return Buffer.from([0x6d, 4])
    case 'decimal': case 'numeric': return Buffer.from([c.type === 'decimal' ? 0x6a : 0x6c, decimalLen(c.precision ?? 18), c.precision ?? 18, c.scale ?? 0])
    case 'nvarchar': return Buffer.concat([u8(0xe7), u16(8000), COLLATION])
    case 'date': return Buffer.from([0x28])
    case 'time': return Buffer.from([0x29, c.scale ?? 7])
    case 'datetime2': return Buffer.from([0x2a, c.scale ?? 7])
    case 'datetimeoffset': return Buffer.from([0x2b, c.scale ?? 7])
    case 'datetime': return Buffer.from([0x6f, 8])
    case 'uniqueidentifier': return Buffer.from([0x24, 16])
    case 'varbinary': return Buffer.concat([u8(0xa5), u16(8000)])
  }
}

function colMetadata(columns: TdsColumn[]): Buffer {
  if (columns.length === 0) return Buffer.alloc(0) // a statement without a result set (WAITFOR) sends none
  const parts: Buffer[] = [u8(TOKEN.COLMETADATA), u16(columns.length)]
  for (const c of columns) parts.push(u32(0), u16(c.nullable === false ? 0x0000 : 0x0001), typeInfo(c), bVarchar(c.name))
  return Buffer.concat(parts)
}

/** Days since 0001-01-01 (proleptic Gregorian). */
function dayNumber(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - EPOCH_0001) / 86_400_000)
}

function timeUnits(d: Date, scale: number, extraNanos = 0): number {
  const ms = ((d.getUTCHours() * 60 + d.getUTCMinutes()) * 60 + d.getUTCSeconds()) * 1000 + d.getUTCMilliseconds()
  return Math.round(((ms * 1e6 + extraNanos) / 1e9) * 10 ** scale)
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v))
}

function value(c: TdsColumn, v: unknown): Buffer {
  const isNull = v === null || v === undefined
  switch (c.type) {
    case 'tinyint': case 'smallint': case 'int': case 'bigint': {
      if (isNull) return u8(0)
      const len = INT_LEN[c.type]!
      const b = Buffer.alloc(len)
      if (len === 1) b.writeUInt8(Number(v))
      else if (len === 2) b.writeInt16LE(Number(v))
      else if (len === 4) b.writeInt32LE(Number(v))
      else b.writeBigInt64LE(BigInt(String(v)))
      return Buffer.concat([u8(len), b])
    }
    case 'bit': return isNull ? u8(0) : Buffer.from([1, v ? 1 : 0])
    case 'float': { if (isNull) return u8(0); const b = Buffer.alloc(8); b.writeDoubleLE(Number(v)); return Buffer.concat([u8(8), b]) }
    case 'real': { if (isNull) return u8(0); const b = Buffer.alloc(4); b.writeFloatLE(Number(v)); return Buffer.concat([u8(4), b]) }
    case 'decimal': case 'numeric': {
      if (isNull) return u8(0)
      const scale = c.scale ?? 0
      const [intPart, frac = ''] = String(v).replace(/^-/, '').split('.')
      let mag = BigInt(intPart + frac.padEnd(scale, '0').slice(0, scale))
      const len = decimalLen(c.precision ?? 18)
      const b = Buffer.alloc(len)
      b.writeUInt8(String(v).startsWith('-') ? 0 : 1, 0)
      for (let i = 1; i < len; i++) { b[i] = Number(mag & 0xffn); mag >>= 8n }
      return Buffer.concat([u8(len), b])
    }
    case 'nvarchar': {
      if (isNull) return u16(0xffff)
      const s = Buffer.from(String(v), 'ucs2')
      return Buffer.concat([u16(s.length), s])
    }
    case 'varbinary': {
      if (isNull) return u16(0xffff)
      const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'hex')
      return Buffer.concat([u16(b.length), b])
    }
    case 'uniqueidentifier': {
      if (isNull) return u8(0)
      const hex = String(v).replace(/-/g, '')
      const b = Buffer.from(hex, 'hex')
      // mixed-endian: first three groups little-endian
      const le = Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)])
      return Buffer.concat([u8(16), le])
    }
    case 'date': return isNull ? u8(0) : Buffer.concat([u8(3), uintLE(dayNumber(toDate(v)), 3)])
    case 'time': {
      if (isNull) return u8(0)
      const scale = c.scale ?? 7
      const d = typeof v === 'string' && /^\d\d:/.test(v) ? new Date(`1970-01-01T${v}Z`) : toDate(v)
      return Buffer.concat([u8(timeLen(scale)), uintLE(timeUnits(d, scale), timeLen(scale))])
    }
    case 'datetime2': {
      if (isNull) return u8(0)
      const scale = c.scale ?? 7
      const d = toDate(v)
      return Buffer.concat([u8(timeLen(scale) + 3), uintLE(timeUnits(d, scale), timeLen(scale)), uintLE(dayNumber(d), 3)])
    }
    case 'datetimeoffset': {
      if (isNull) return u8(0)
      const scale = c.scale ?? 7
      const d = toDate(v) // stored as UTC plus the offset in minutes
      const offset = typeof v === 'string' ? parseOffset(v) : 0
      const off = Buffer.alloc(2)
      off.writeInt16LE(offset)
      return Buffer.concat([u8(timeLen(scale) + 5), uintLE(timeUnits(d, scale), timeLen(scale)), uintLE(dayNumber(d), 3), off])
    }
    case 'datetime': {
      if (isNull) return u8(0)
      const d = toDate(v)
      const days = Math.floor((d.getTime() - Date.UTC(1900, 0, 1)) / 86_400_000)
      const msOfDay = d.getTime() - Date.UTC(1900, 0, 1) - days * 86_400_000
      const b = Buffer.alloc(8)
      b.writeInt32LE(days, 0)
      b.writeUInt32LE(Math.round((msOfDay * 3) / 10), 4)
      return Buffer.concat([u8(8), b])
    }
  }
}

function parseOffset(iso: string): number {
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso)
  return m ? (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) : 0
}

function rowToken(columns: TdsColumn[], row: unknown[]): Buffer {
  return Buffer.concat([u8(TOKEN.ROW), ...columns.map((c, i) => value(c, row[i]))])
}

function norm(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().replace(/;$/, '').trim().toLowerCase()
}
