// The writes of a run's record (its insert when it starts, its updates when it
// runs and settles) as prepared statements, one per shape: which columns a
// write sets, and which of them it sets to NULL. Building these statements with
// the query builder each time cost a few hundred microseconds of CPU per write,
// two or three writes per question, for SQL that is the same every time; the
// shapes are few (one per call site), so each is built once and, on
// PostgreSQL, also parsed once per connection (a named statement).
//
// NULL is part of the shape, not a parameter: a JSON column given null through
// a placeholder would be written as the JSON value null, not SQL NULL.
import { createHash } from 'node:crypto'
import { eq, is, sql, SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { conversations, queries } from '../store/schema'

type Row = typeof queries.$inferSelect
type Values = Partial<typeof queries.$inferInsert>
type Prepared = { execute(params: Record<string, unknown>): Promise<unknown> }

/** Past this many shapes, writes are built each time (a shape per call site is expected: more means variable keys). */
const MAX_SHAPES = 64

interface Shape { key: string; given: string[]; nulls: string[] }

function shapeOf(values: Record<string, unknown>): Shape {
  const keys = Object.keys(values).filter((k) => values[k] !== undefined).sort()
  const given = keys.filter((k) => values[k] !== null)
  const nulls = keys.filter((k) => values[k] === null)
  return { key: `${given.join(',')}|${nulls.join(',')}`, given, nulls }
}

const statementName = (kind: string, key: string) => `nexatron_${kind}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`

/** The columns of a shape as the builder takes them: a placeholder for each given value, NULL for the rest. */
function columns(s: Shape): Record<string, unknown> {
  return Object.fromEntries([...s.given.map((k) => [k, sql.placeholder(k)]), ...s.nulls.map((k) => [k, sql`null`])])
}

function params(values: Record<string, unknown>, s: Shape, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra }
  for (const k of s.given) out[k] = values[k]
  return out
}

export class RunRecordStatements {
  private readonly prepared = new Map<string, Prepared>()

  constructor(private readonly db: Db) {}

  private statement(kind: string, s: Shape, values: Record<string, unknown>, build: (name: string) => Prepared): Prepared | undefined {
    // A value that is itself SQL (an expression over the row) is no parameter: built each time.
    if (s.given.some((k) => is(values[k], SQL))) return undefined
    const key = `${kind}|${s.key}`
    const hit = this.prepared.get(key)
    if (hit) return hit
    if (this.prepared.size >= MAX_SHAPES) return undefined
    const made = build(statementName(kind, s.key))
    this.prepared.set(key, made)
    return made
  }

  /** An insert into the records, after inserting the conversation it starts when given one (one statement). */
  private insertInto(conversation: { id: unknown; tenant: unknown; principal: unknown; connection: unknown } | null) {
    if (!conversation) return this.db.insert(queries)
    const { id, tenant, principal, connection } = conversation
    return this.db.with(this.db.$with('new_conversation', { id: sql<string>`id` }).as(sql`INSERT INTO ${conversations} (id, tenant_id, principal_id, connection_id)
      VALUES (${id}, ${tenant}, ${principal}, ${connection}) RETURNING id`)).insert(queries)
  }

  /** Inserts the record (and, with `newConversation`, the conversation it starts: one statement); returns it. */
  async insert(values: Values & { id: string }, newConversation: string | null): Promise<Row> {
    const s = shapeOf(values)
    const conv = newConversation !== null
    const p = this.statement(conv ? 'run_insert_conv' : 'run_insert', s, values, (name) => this.insertInto(conv
      ? { id: sql.placeholder('$conversation'), tenant: sql.placeholder('$tenant'), principal: sql.placeholder('$principal'), connection: sql.placeholder('$connection') }
      : null).values(columns(s) as never).returning().prepare(name))
    const conversation = conv ? { id: newConversation, tenant: values.tenantId, principal: values.principalId, connection: values.connectionId ?? null } : null
    if (p) {
      const extra = conversation ? { $conversation: conversation.id, $tenant: conversation.tenant, $principal: conversation.principal, $connection: conversation.connection } : {}
      return ((await p.execute(params(values, s, extra))) as Row[])[0]
    }
    // Unprepared (too many shapes): the same statement, built now.
    const [row] = await this.insertInto(conversation).values(values as typeof queries.$inferInsert).returning()
    return row
  }

  /** Updates the record; with `returning`, answers it as written (undefined when it is gone). */
  async update(id: string, patch: Values, returning: boolean): Promise<Row | undefined> {
    const s = shapeOf(patch)
    const p = this.statement(returning ? 'run_settle' : 'run_update', s, patch, (name) => {
      const q = this.db.update(queries).set(columns(s) as never).where(eq(queries.id, sql.placeholder('$id') as never))
      return returning ? q.returning().prepare(name) : q.prepare(name)
    })
    if (p) {
      const out = await p.execute(params(patch, s, { $id: id }))
      return returning ? (out as Row[])[0] : undefined
    }
    const q = this.db.update(queries).set(patch).where(eq(queries.id, id))
    return returning ? (await q.returning())[0] : (await q, undefined)
  }
}
