// The JSON answer of POST /semantic/query, written as the rows arrive, like
// POST /query's (../query/json-answer.ts). It used to be collected whole
// before the first byte went out: one caller asking for max_rows up to
// NEXATRON_MAX_ROWS_LIMIT (a million rows) held every row, then every row as
// an object, then the whole JSON text in memory at once, several times per
// credential in parallel, past the memory budget that only new queries check.
// Now memory is a batch of rows and a slow reader stops the database reads.
//
// Everything that can fail before the first row (compiling, the guard,
// connecting) still answers with its own status; the stream commits to 200
// once the first rows (or the end) are here. Fields: id, columns, sql, params,
// sql_inline, data, row_count, truncated, execution_time_ms, cache, status. A failure after the
// rows have started ends the document with "status":"failed" and "error" (the
// error envelope's body): a client reads `status` last.
import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { AppError, errorBody } from '../../errors'
import { toAppError } from '../../../error-mapping'
import type { PreparedRun, RunEvent } from '../../../query/query-runner'
import { rowObject, type ResultColumn } from '../../../query/result-columns'

export async function streamSemanticAnswer(c: Context<AppEnv>, run: PreparedRun, events: AsyncGenerator<RunEvent>, requestId: string) {
  let columns: ResultColumn[] = []
  // The SQL as it ran (placeholders and their values) and inlined for display, as POST /query answers it.
  let statement: { sql: string; params: unknown[]; sql_inline: string } = { sql: '', params: [], sql_inline: '' }
  let cache: string = 'off'
  // Pull events up to the first rows (or the end): errors before that are thrown here, with their status.
  const early: RunEvent[] = []
  for (;;) {
    const next = await events.next()
    if (next.done) break
    const ev = next.value
    if (ev.type === 'sql') { statement = { sql: ev.sql, params: ev.params, sql_inline: ev.sql_inline }; cache = ev.cache }
    else if (ev.type === 'columns') columns = ev.columns
    else if (ev.type === 'rows' || ev.type === 'done') { early.push(ev); break }
  }
  c.header('Content-Type', 'application/json; charset=utf-8')
  c.header('X-Nexatron-Query-Id', run.id)
  c.header('X-Nexatron-Cache', cache)
  return stream(c, async (s) => {
    const json = JSON.stringify
    await s.write(`${json({ id: run.id, columns, ...statement }).slice(0, -1)},"data":[`)
    let first = true
    const tail: Record<string, unknown> = {}
    const onEvent = async (ev: RunEvent) => {
      if (ev.type === 'columns') columns = ev.columns
      else if (ev.type === 'rows' && ev.rows.length) {
        // One stringify per batch, brackets cut off; each write waits for the client.
        const text = json(ev.rows.map((r) => rowObject(columns, r))).slice(1, -1)
        await s.write(first ? text : `,${text}`)
        first = false
      } else if (ev.type === 'done') Object.assign(tail, { row_count: ev.row_count, truncated: ev.truncated, execution_time_ms: ev.execution_time_ms, cache: ev.cache })
    }
    try {
      for (const ev of early) await onEvent(ev)
      for await (const ev of events) await onEvent(ev)
      await s.write(`],${json({ ...tail, status: 'succeeded' }).slice(1)}`)
    } catch (err) {
      const appErr = toAppError(err) ?? new AppError('internal_error', 'internal error')
      await s.write(`],${json({ ...tail, status: 'failed', error: errorBody(appErr, requestId).error }).slice(1)}`).catch(() => {})
    }
  }, async () => { /* errors are written into the document and recorded in history */ }) as never
}
