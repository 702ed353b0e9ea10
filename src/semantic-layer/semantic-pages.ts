// Keyset pages of a connection's models, metrics and dimensions, read from the
// store: WHERE key > cursor ORDER BY key LIMIT n. The key is the name (unique
// per connection for models and metrics; model name then dimension name for
// dimensions). Names compare with COLLATE "C", byte order, so the order does
// not depend on the database's locale and matches the cursor's string order.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { semanticDimensions, semanticMetrics, semanticModels } from '../store/schema'
import type { Dimension, SemanticModel } from '../../semantic/types'

type ModelRow = typeof semanticModels.$inferSelect
type DimensionRow = typeof semanticDimensions.$inferSelect
type MetricRow = typeof semanticMetrics.$inferSelect

/** A dimension's key: its model's name, then its own (NUL cannot occur in either). */
export const dimensionKey = (model: string, name: string) => `${model}\u0000${name}`

export class SemanticPages {
  constructor(private readonly db: Db) {}

  /** Up to `n` metrics after the name `after`, by name. */
  async metrics(tenantId: string, connectionId: string, after: string | undefined, n: number): Promise<MetricRow[]> {
    const t = semanticMetrics
    return this.db.select().from(t)
      .where(and(eq(t.tenantId, tenantId), eq(t.connectionId, connectionId), after === undefined ? undefined : sql`${t.name} COLLATE "C" > ${after}`))
      .orderBy(sql`${t.name} COLLATE "C"`).limit(n)
  }

  /** Up to `n` models after the name `after`, by name, each with its definition and dimensions as the layer assembles them. */
  async models(tenantId: string, connectionId: string, after: string | undefined, n: number): Promise<Array<{ row: ModelRow; model: SemanticModel }>> {
    const t = semanticModels
    const rows = await this.db.select().from(t)
      .where(and(eq(t.tenantId, tenantId), eq(t.connectionId, connectionId), after === undefined ? undefined : sql`${t.name} COLLATE "C" > ${after}`))
      .orderBy(sql`${t.name} COLLATE "C"`).limit(n)
    if (!rows.length) return []
    const d = semanticDimensions
    // Same order as SemanticStore.load: a model's dimensions in the order they were defined.
    const dims = await this.db.select().from(d)
      .where(and(eq(d.tenantId, tenantId), inArray(d.modelId, rows.map((r) => r.id)))).orderBy(asc(d.createdAt), asc(d.id))
    return rows.map((row) => ({
      row,
      model: {
        ...(row.definition as unknown as SemanticModel), name: row.name,
        dimensions: dims.filter((x) => x.modelId === row.id).map((x) => ({
          ...(x.definition as unknown as Dimension), name: x.name, ...(x.sampleValues ? { sample_values: x.sampleValues as Dimension['sample_values'] } : {}),
        })),
      },
    }))
  }

  /** Up to `n` dimensions after the key `after` (see dimensionKey), by model name then name, each with its model. */
  async dimensions(tenantId: string, connectionId: string, after: string | undefined, n: number): Promise<Array<{ row: DimensionRow; model: ModelRow }>> {
    const d = semanticDimensions
    const m = semanticModels
    let past
    if (after !== undefined) {
      const cut = after.indexOf('\u0000')
      const [model, name] = cut < 0 ? [after, ''] : [after.slice(0, cut), after.slice(cut + 1)]
      past = sql`(${m.name} COLLATE "C" > ${model} OR (${m.name} = ${model} AND ${d.name} COLLATE "C" > ${name}))`
    }
    const rows = await this.db.select({ row: d, model: m }).from(d)
      .innerJoin(m, and(eq(m.id, d.modelId), eq(m.tenantId, d.tenantId)))
      .where(and(eq(d.tenantId, tenantId), eq(d.connectionId, connectionId), past))
      .orderBy(sql`${m.name} COLLATE "C"`, sql`${d.name} COLLATE "C"`).limit(n)
    return rows
  }
}
