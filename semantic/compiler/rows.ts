// Row-level sources: one semantic model's rows with the requested items joined
// in through entities. Each model is first projected in a subquery of its own
// table (model `expr`s are raw SQL with unqualified columns), then joined by
// entity keys, partition columns and SCD validity windows.
import { SemanticError, type Dimension, type Entity, type Measure, type SemanticModel, type TimeGrain } from '../types'
import type { JoinHop } from '../graph'
import { sqlFragmentProblem } from '../sql-fragment'
import { maskedExpression } from '../access/mask-sql'
import { bindItem, itemBaseGrain, isStandardGrain, type BoundItem, type QueryItem } from './items'
import type { CompileContext, Dataset } from './context'
import { select, type Join, type JoinKind, type Select, type SelectItem, type Source } from './sql'

/** FROM + JOINs and the SQL expression of every column they provide. */
export interface RowSource {
  from: Source
  joins: Join[]
  exprs: Map<string, string>
}

/** A Metric(...) filter: an aggregated dataset joined on an entity key. */
export interface MetricJoin {
  dataset: Dataset
  /** Item (an entity of the source model) whose value is the join key. */
  keyItem: QueryItem
  /** Column of `dataset` holding the key. */
  datasetKey: string
  /** Column of `dataset` holding the metric value, exposed as `as`. */
  valueColumn: string
  as: string
}

export interface RowRequest {
  model: SemanticModel
  /** Measure whose agg time dimension is metric_time; undefined for dimension-only sources. */
  measure?: string
  /** Measure value columns, named by measure name. */
  measures: Measure[]
  items: QueryItem[]
  /** `__t`: the agg time dimension truncated to this grain. */
  aggTimeGrain?: TimeGrain
  /**
   * `__traw`: the agg time dimension as stored. Time constraints compare it
   * directly (their bounds are whole periods), so partitions and indexes apply.
   */
  rawAggTime?: boolean
  /** `__nad`: the measure's non-additive dimension at its grain. */
  nonAdditive?: boolean
  /** `__e_<name>`: local entity expressions (window groupings, conversion entity, constant properties). */
  entities?: string[]
  /** `__d_<name>`: local dimension expressions (conversion constant properties). */
  dimensions?: string[]
  metricJoins?: MetricJoin[]
  /** `full` for dimension-only queries (MetricFlow joins dimension sources with FULL OUTER JOIN). */
  joinKind?: JoinKind
  /** Always project the model in a subquery (callers that add joins of their own need qualified columns). */
  projected?: boolean
}

// Expressions were checked when the layer was stored; checking again here keeps
// layers stored before that check (or built in code) from reaching SQL unchecked.
function checkedExpr(kind: string, name: string, expr: string): string {
  const problem = sqlFragmentProblem(expr)
  if (problem) throw new SemanticError('invalid_model', `the expr of ${kind} "${name}" is not a single SQL expression: ${problem}`)
  return expr
}

export function entityExpr(ctx: CompileContext, e: Entity): string {
  return e.expr === undefined ? ctx.dialect.sourceIdentifier(e.name) : checkedExpr('entity', e.name, e.expr)
}

export function dimensionExpr(ctx: CompileContext, d: Dimension): string {
  const expr = d.expr === undefined ? ctx.dialect.sourceIdentifier(d.name) : checkedExpr('dimension', d.name, d.expr)
  // An access policy's mask: every use of the dimension (output, filters, group-by, order) sees the masked value.
  // A keyed hash writes its key as a literal: a bound parameter would give the SELECT and the GROUP BY
  // two different expressions. Callers hide it wherever SQL is shown (access/mask-sql.ts, hideMaskKeys).
  return d.mask ? maskedExpression(ctx.dialect, d.mask, expr, d.mask === 'hash' && d.mask_key !== undefined ? ctx.dialect.literal(d.mask_key) : undefined) : expr
}

export function measureExpr(ctx: CompileContext, m: Measure): string {
  return m.expr === undefined ? ctx.dialect.sourceIdentifier(m.name) : checkedExpr('measure', m.name, m.expr)
}

/** A time item's value from the raw time expression (custom grains are joined later). */
function timeValue(ctx: CompileContext, item: QueryItem, raw: string): string {
  if (item.datePart) return ctx.dialect.extract(item.datePart, raw)
  if (isStandardGrain(item.grain)) return ctx.dialect.dateTrunc(item.grain, raw)
  const base = itemBaseGrain(ctx, item)
  if (!base) throw new SemanticError('invalid_query', `unknown time grain "${item.grain}"`)
  return ctx.dialect.dateTrunc(base, raw)
}

function isCustomGrain(item: QueryItem): boolean {
  return item.grain !== undefined && !item.datePart && !isStandardGrain(item.grain)
}

/** Columns of one model projected from its own table. */
class Projection {
  readonly items: SelectItem[] = []
  private readonly names = new Set<string>()
  constructor(readonly model: SemanticModel) {}
  add(alias: string, expr: string): void {
    if (this.names.has(alias)) return
    this.names.add(alias)
    this.items.push({ expr, alias })
  }
  has(alias: string): boolean {
    return this.names.has(alias)
  }
}

function elementValue(ctx: CompileContext, model: SemanticModel, b: BoundItem, measure: string | undefined): string {
  const item = b.item
  if (item.kind === 'metric_time') {
    const { dimension } = ctx.graph.aggTimeDimension(measure!)
    return timeValue(ctx, item, dimensionExpr(ctx, dimension))
  }
  const el = b.element!
  if (el.kind === 'entity') return entityExpr(ctx, el.entity!)
  const d = el.dimension!
  if (d.type === 'time') return timeValue(ctx, item, dimensionExpr(ctx, d))
  return dimensionExpr(ctx, d)
}

function partitionDims(model: SemanticModel): Dimension[] {
  return model.dimensions.filter((d) => d.is_partition)
}

function timeAt(ctx: CompileContext, d: Dimension): string {
  return ctx.dialect.dateTrunc(ctx.graph.dimensionGrain(d), dimensionExpr(ctx, d))
}

interface JoinedNode {
  alias: string
  source: Source
  /** Partition dimension names it exposes as `__p_<name>`. */
  partitions: string[]
  /** Validity windows it exposes as `__vs_<i>` / `__ve_<i>`. */
  validity: number[]
}

/**
 * The SELECT projecting one model of a join chain. On engines without range
 * joins (ClickHouse 18), an SCD model is expanded to one row per spine day of
 * each validity window (`__day_<i>`), so it joins by equality on that day.
 */
function projectionQuery(ctx: CompileContext, p: Projection, index: number): Select {
  const base = select({ items: p.items, from: ctx.table(p.model.node_relation) })
  const vw = ctx.graph.validityWindow(p.model)
  if (!vw || ctx.dialect.capabilities.nonEquiJoins) return base
  const grain = ctx.graph.dimensionGrain(vw.start)
  const s = ctx.spine(grain)
  const x = ctx.alias('scd')
  const sa = ctx.alias('spine')
  const day = ctx.dialect.dateTrunc(grain, ctx.storedCol(sa, s.column))
  return select({
    items: [...p.items.map((i) => ({ expr: ctx.col(x, i.alias), alias: i.alias })), { expr: day, alias: `__day_${index}` }],
    from: ctx.sub({ query: base, columns: [] }, x),
    joins: [{ kind: 'cross', source: ctx.spineTable(s.spine, sa), on: [] }],
    where: [`${day} >= ${ctx.col(x, `__vs_${index}`)}`, `${day} < ${ctx.col(x, `__ve_${index}`)} OR ${ctx.col(x, `__ve_${index}`)} IS NULL`],
  })
}

/**
 * Builds the projection of a join chain (one or two hops) holding `items`.
 * Two hops join the intermediate model to the final one inside the node,
 * so the outer join stays many-to-one.
 */
function joinedNode(ctx: CompileContext, hops: JoinHop[], items: BoundItem[], joinKind: JoinKind): JoinedNode {
  const models = hops.map((h) => ctx.graph.model(h.to))
  const projections = models.map((m) => new Projection(m))
  // Items of the intermediate model (one hop) may ride along a two-hop chain through it.
  const holder = (b: BoundItem) => (b.element!.hops.length === 1 && projections.length > 1 ? projections[0] : projections[projections.length - 1])
  for (const b of items) {
    const p = holder(b)
    p.add(b.item.name, elementValue(ctx, p.model, b, undefined))
    // Custom grains need the value at the spine's grain; it is joined to the spine by the caller.
    if (isCustomGrain(b.item)) p.add(`__cgb_${b.item.name}`, timeValue(ctx, b.item, dimensionExpr(ctx, b.element!.dimension!)))
  }
  projections.forEach((p, i) => {
    const inEntity = p.model.entities.find((e) => e.name === hops[i].entity)!
    p.add('__k', entityExpr(ctx, inEntity))
    if (i + 1 < hops.length) {
      const out = p.model.entities.find((e) => e.name === hops[i + 1].entity)!
      p.add('__k2', entityExpr(ctx, out))
    }
    for (const d of partitionDims(p.model)) p.add(`__p_${d.name}`, timeAt(ctx, d))
    const vw = ctx.graph.validityWindow(p.model)
    if (vw) {
      p.add(`__vs_${i}`, timeAt(ctx, vw.start))
      p.add(`__ve_${i}`, timeAt(ctx, vw.end))
    }
  })
  const alias = ctx.alias('join')
  if (projections.length === 1) {
    const p = projections[0]
    return {
      alias,
      source: ctx.sub({ query: projectionQuery(ctx, p, 0), columns: [] }, alias),
      partitions: partitionDims(p.model).map((d) => d.name),
      validity: ctx.graph.validityWindow(p.model) ? [0] : [],
    }
  }
  // Two hops: T (projections[0]) joined to U (projections[1]) on the second entity and shared partitions.
  const [pt, pu] = projections
  const ta = ctx.alias('hop')
  const ua = ctx.alias('hop')
  const tSrc = ctx.sub({ query: projectionQuery(ctx, pt, 0), columns: [] }, ta)
  const uSrc = ctx.sub({ query: projectionQuery(ctx, pu, 1), columns: [] }, ua)
  const keys = [{ left: ctx.col(ta, '__k2'), right: ctx.col(ua, '__k') }]
  const tParts = partitionDims(pt.model).map((d) => d.name)
  const uParts = partitionDims(pu.model).map((d) => d.name)
  for (const name of tParts) if (uParts.includes(name)) keys.push({ left: ctx.col(ta, `__p_${name}`), right: ctx.col(ua, `__p_${name}`) })
  const outItems: SelectItem[] = [{ expr: ctx.col(ta, '__k'), alias: '__k' }]
  for (const b of items) {
    const from = holder(b) === pt ? ta : ua
    outItems.push({ expr: ctx.col(from, b.item.name), alias: b.item.name })
    if (isCustomGrain(b.item)) outItems.push({ expr: ctx.col(from, `__cgb_${b.item.name}`), alias: `__cgb_${b.item.name}` })
  }
  const partitions: string[] = []
  for (const name of [...tParts, ...uParts]) {
    if (partitions.includes(name)) continue
    partitions.push(name)
    // MetricFlow joins on the partition with the fewest entity links: the intermediate model's.
    outItems.push({ expr: ctx.col(tParts.includes(name) ? ta : ua, `__p_${name}`), alias: `__p_${name}` })
  }
  const validity: number[] = []
  projections.forEach((p, i) => {
    if (!ctx.graph.validityWindow(p.model)) return
    const a = i === 0 ? ta : ua
    outItems.push({ expr: ctx.col(a, `__vs_${i}`), alias: `__vs_${i}` }, { expr: ctx.col(a, `__ve_${i}`), alias: `__ve_${i}` })
    if (!ctx.dialect.capabilities.nonEquiJoins) outItems.push({ expr: ctx.col(a, `__day_${i}`), alias: `__day_${i}` })
    validity.push(i)
  })
  const q = select({ items: outItems, from: tSrc, joins: [{ kind: joinKind === 'full' ? 'full' : 'left', source: uSrc, keys, on: [] }] })
  return { alias, source: ctx.sub({ query: q, columns: outItems.map((i) => i.alias) }, alias), partitions, validity }
}

/** Builds the row source for one model with the requested items, measures and internal columns. */
export function buildRows(ctx: CompileContext, req: RowRequest): RowSource {
  const model = req.model
  const joinKind = req.joinKind ?? 'left'
  const items = dedupeItems([...req.items, ...(req.metricJoins ?? []).map((mj) => mj.keyItem)])
  const bound = items.map((i) => bindItem(ctx, model, req.measure, i))
  const local = bound.filter((b) => !b.element || b.element.hops.length === 0)
  const remote = bound.filter((b) => b.element && b.element.hops.length > 0)

  const p0 = new Projection(model)
  for (const m of req.measures) p0.add(m.name, measureExpr(ctx, m))
  for (const b of local) {
    p0.add(b.item.name, elementValue(ctx, model, b, req.measure))
    if (isCustomGrain(b.item)) {
      const raw = b.item.kind === 'metric_time' ? dimensionExpr(ctx, ctx.graph.aggTimeDimension(req.measure!).dimension) : dimensionExpr(ctx, b.element!.dimension!)
      p0.add(`__cgb_${b.item.name}`, timeValue(ctx, b.item, raw))
    }
  }
  if (req.aggTimeGrain) {
    const { dimension } = ctx.graph.aggTimeDimension(req.measure!)
    p0.add('__t', ctx.dialect.dateTrunc(req.aggTimeGrain, dimensionExpr(ctx, dimension)))
  }
  if (req.rawAggTime) p0.add('__traw', dimensionExpr(ctx, ctx.graph.aggTimeDimension(req.measure!).dimension))
  if (req.nonAdditive) {
    const measure = ctx.graph.measure(req.measure!).measure
    const nad = model.dimensions.find((d) => d.name === measure.non_additive_dimension?.name && d.type === 'time')
    if (!nad) throw new SemanticError('invalid_model', `non_additive_dimension of "${measure.name}" is not a time dimension of "${model.name}"`)
    p0.add('__nad', timeAt(ctx, nad))
  }
  for (const name of req.entities ?? []) {
    const e = model.entities.find((x) => x.name === name)
    if (!e) throw new SemanticError('invalid_model', `entity "${name}" is not in semantic model "${model.name}"`)
    p0.add(`__e_${name}`, entityExpr(ctx, e))
  }
  for (const name of req.dimensions ?? []) {
    const d = model.dimensions.find((x) => x.name === name)
    if (!d) throw new SemanticError('invalid_model', `dimension "${name}" is not in semantic model "${model.name}"`)
    p0.add(`__d_${name}`, d.type === 'time' ? timeAt(ctx, d) : dimensionExpr(ctx, d))
  }

  // Group remote items by join chain; one-hop items join through a two-hop chain's first hop when there is one.
  const chainKey = (hops: JoinHop[]) => hops.map((h) => `${h.entity}>${h.to}`).join('|')
  const chains = new Map<string, { hops: JoinHop[]; items: BoundItem[] }>()
  for (const b of remote.filter((x) => x.element!.hops.length > 1)) {
    const key = chainKey(b.element!.hops)
    const c = chains.get(key) ?? { hops: b.element!.hops, items: [] }
    c.items.push(b)
    chains.set(key, c)
  }
  for (const b of remote.filter((x) => x.element!.hops.length === 1)) {
    const first = chainKey(b.element!.hops)
    const carrier = [...chains.values()].find((c) => c.hops.length > 1 && chainKey(c.hops.slice(0, 1)) === first)
    if (carrier) {
      carrier.items.push(b)
      continue
    }
    const c = chains.get(first) ?? { hops: b.element!.hops, items: [] }
    c.items.push(b)
    chains.set(first, c)
  }
  const nodes: Array<{ node: JoinedNode; hops: JoinHop[]; items: BoundItem[] }> = []
  for (const c of chains.values()) {
    p0.add(`__k_${c.hops[0].entity}`, entityExpr(ctx, model.entities.find((e) => e.name === c.hops[0].entity)!))
    nodes.push({ node: joinedNode(ctx, c.hops, c.items, joinKind), hops: c.hops, items: c.items })
  }
  const needsScdTime = nodes.some((n) => n.node.validity.length > 0)
  if (nodes.length > 0) for (const d of partitionDims(model)) p0.add(`__p_${d.name}`, timeAt(ctx, d))
  if (needsScdTime && req.measure) {
    const { dimension } = ctx.graph.aggTimeDimension(req.measure)
    p0.add('__scd_t', timeAt(ctx, dimension))
    const scd = nodes.flatMap((n) => n.hops.map((h) => ctx.graph.validityWindow(ctx.graph.model(h.to)))).find((v) => v)
    if (scd && !ctx.dialect.capabilities.nonEquiJoins) {
      p0.add('__scd_day', ctx.dialect.dateTrunc(ctx.graph.dimensionGrain(scd.start), dimensionExpr(ctx, dimension)))
    }
  }

  const exprs = new Map<string, string>()
  const joins: Join[] = []
  let from: Source
  const simple = !req.projected && nodes.length === 0 && (req.metricJoins ?? []).length === 0 && !bound.some((b) => isCustomGrain(b.item))
  if (simple) {
    // A single table: no projection subquery needed, expressions apply directly.
    from = ctx.table(model.node_relation)
    for (const i of p0.items) exprs.set(i.alias, i.expr)
    return { from, joins, exprs }
  }
  const a0 = ctx.alias('src')
  from = ctx.sub({ query: select({ items: p0.items, from: ctx.table(model.node_relation) }), columns: p0.items.map((i) => i.alias) }, a0)
  for (const i of p0.items) exprs.set(i.alias, ctx.col(a0, i.alias))

  const modelParts = partitionDims(model).map((d) => d.name)
  for (const { node, hops, items: nodeItems } of nodes) {
    const keys = [{ left: ctx.col(a0, `__k_${hops[0].entity}`), right: ctx.col(node.alias, '__k') }]
    for (const name of modelParts) if (node.partitions.includes(name)) keys.push({ left: ctx.col(a0, `__p_${name}`), right: ctx.col(node.alias, `__p_${name}`) })
    const on: string[] = []
    if (req.measure && node.validity.length > 0) {
      for (const i of node.validity) {
        if (!ctx.dialect.capabilities.nonEquiJoins) {
          // The SCD side was expanded to one row per valid day: join on the day.
          keys.push({ left: ctx.col(a0, '__scd_day'), right: ctx.col(node.alias, `__day_${i}`) })
          continue
        }
        const t = ctx.col(a0, '__scd_t')
        on.push(`${t} >= ${ctx.col(node.alias, `__vs_${i}`)}`)
        on.push(`${t} < ${ctx.col(node.alias, `__ve_${i}`)} OR ${ctx.col(node.alias, `__ve_${i}`)} IS NULL`)
      }
    }
    joins.push({ kind: joinKind, source: node.source, keys, on, leftKey: ctx.col(a0, `__k_${hops[0].entity}`) })
    for (const b of nodeItems) {
      exprs.set(b.item.name, ctx.col(node.alias, b.item.name))
      if (isCustomGrain(b.item)) exprs.set(`__cgb_${b.item.name}`, ctx.col(node.alias, `__cgb_${b.item.name}`))
    }
  }
  // Custom grains: look the value up in the time spine that defines them.
  for (const b of bound) {
    if (!isCustomGrain(b.item)) continue
    const cg = ctx.graph.customGrains.get(b.item.grain!)!
    const sa = ctx.alias('spine')
    joins.push({
      kind: 'left',
      source: ctx.spineTable(cg.spine, sa),
      // The spine column is at its own grain already: compared raw so an index on it can serve the join.
      keys: [{ left: ctx.storedCol(sa, cg.spine.primary_column.name), right: exprs.get(`__cgb_${b.item.name}`)! }],
      on: [],
    })
    exprs.set(b.item.name, ctx.storedCol(sa, cg.column))
  }
  for (const mj of req.metricJoins ?? []) {
    const ma = ctx.alias('metric')
    joins.push({ kind: joinKind, source: ctx.sub(mj.dataset, ma), keys: [{ left: exprs.get(mj.keyItem.name)!, right: ctx.col(ma, mj.datasetKey) }], on: [], leftKey: exprs.get(mj.keyItem.name) })
    exprs.set(mj.as, ctx.col(ma, mj.valueColumn))
  }
  return { from, joins, exprs }
}

export function dedupeItems(items: QueryItem[]): QueryItem[] {
  const seen = new Set<string>()
  return items.filter((i) => (seen.has(i.name) ? false : (seen.add(i.name), true)))
}
