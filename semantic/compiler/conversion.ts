// Conversion metrics: base events, conversion events attributed to the latest
// base event of the same entity within the window, and their rate or count.
import { SemanticError, type Metric, type SemanticModel } from '../types'
import { coarserGrain, parseWindow } from '../names'
import { conversionParamsProblem } from '../conversion-params'
import type { CompileContext, MetricRequest, MetricValue } from './context'
import { isStandardGrain } from './items'
import { buildRows } from './rows'
import { select, type Join, type Select } from './sql'
import { rangePredicates } from './time-constraint'
import { combine } from './combine'
import { finishMeasureMetric } from './finish'
import { aggregateMeasure } from './measures'
import { aggGrainOf, aggregateExpr, compute, definitionSpecs, measureInputObj, prepareFilters, selectItemsFrom, whereOf } from './metric-helpers'

// ---------------------------------------------------------------- conversion

export function compileConversion(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const c = metric.type_params.conversion_type_params
  // A record written before its shape was validated must not crash the compiler.
  const shape = conversionParamsProblem(c)
  if (shape || !c) throw new SemanticError('invalid_model', `conversion metric "${metric.name}": ${shape}`)
  const baseIn = measureInputObj(c.base_measure)!
  const convIn = measureInputObj(c.conversion_measure)!
  const base = ctx.graph.measure(baseIn.name)
  const conv = ctx.graph.measure(convIn.name)
  const filters = [...req.filters, ...definitionSpecs(metric.filter)]
  const baseFilters = [...filters, ...definitionSpecs(baseIn.filter)]

  const opportunities = finishMeasureMetric(
    ctx, aggregateMeasure(ctx, { measure: baseIn.name, items: req.items, filters: baseFilters, range: req.range, column: '__opportunities' }),
    req, baseIn.name, baseIn.fill_nulls_with, baseIn.join_to_timespine ?? false,
  )

  const grain = coarserGrain(aggGrainOf(ctx, baseIn.name), aggGrainOf(ctx, convIn.name))
  const props = c.constant_properties ?? []
  const propCols = (model: SemanticModel, names: string[]) => ({
    entities: names.filter((n) => model.entities.some((e) => e.name === n)),
    dimensions: names.filter((n) => !model.entities.some((e) => e.name === n)),
  })
  const col = (model: SemanticModel, n: string) => (model.entities.some((e) => e.name === n) ? `__e_${n}` : `__d_${n}`)
  const baseProps = propCols(base.model, props.map((p) => p.base_property))
  const convProps = propCols(conv.model, props.map((p) => p.conversion_property))

  const pf = prepareFilters(ctx, base.model, baseFilters)
  const bRows = buildRows(ctx, {
    model: base.model, measure: baseIn.name, measures: [], items: [...req.items, ...pf.items], aggTimeGrain: grain, rawAggTime: req.range !== undefined,
    entities: [c.entity, ...baseProps.entities], dimensions: baseProps.dimensions, metricJoins: pf.joins,
  })
  const bExpr = (n: string) => bRows.exprs.get(n)!
  const baseSel = select({
    items: [...selectItemsFrom(ctx, req.items, bExpr), { expr: bExpr('__t'), alias: '__t' }, { expr: bExpr(`__e_${c.entity}`), alias: '__entity' },
      ...props.map((p, i) => ({ expr: bExpr(col(base.model, p.base_property)), alias: `__prop_${i}` }))],
    from: bRows.from, joins: bRows.joins,
    where: [...whereOf(ctx, bRows, pf.resolved), ...rangePredicates(ctx, bExpr('__traw'), req.range)],
  })
  const cpf = prepareFilters(ctx, conv.model, definitionSpecs(convIn.filter))
  const cRows = buildRows(ctx, {
    model: conv.model, measure: convIn.name, measures: [conv.measure], items: cpf.items, aggTimeGrain: grain,
    entities: [c.entity, ...convProps.entities], dimensions: convProps.dimensions, metricJoins: cpf.joins,
  })
  const cExpr = (n: string) => cRows.exprs.get(n)!
  const convSel = select({
    items: [{ expr: cExpr('__t'), alias: '__t' }, { expr: cExpr(`__e_${c.entity}`), alias: '__entity' },
      ...props.map((p, i) => ({ expr: cExpr(col(conv.model, p.conversion_property)), alias: `__prop_${i}` })),
      { expr: cExpr(conv.measure.name), alias: '__value' },
      // Each conversion event must be counted once: number the rows to tell them apart.
      { expr: ctx.dialect.rowNumber(`${cExpr('__t')}, ${cExpr(`__e_${c.entity}`)}`), alias: '__event' }],
    from: cRows.from, joins: cRows.joins, where: whereOf(ctx, cRows, cpf.resolved),
  })
  const b = ctx.alias()
  const cv = ctx.alias()
  const on = [`${ctx.col(b, '__entity')} = ${ctx.col(cv, '__entity')}`, `${ctx.col(b, '__t')} <= ${ctx.col(cv, '__t')}`]
  if (c.window) {
    const w = parseWindow(c.window, ctx.graph.customGrainNames)
    if (!w || !isStandardGrain(w.unit)) throw new SemanticError('unsupported', `conversion window "${c.window}" must use a standard time unit`)
    on.push(`${ctx.col(b, '__t')} > ${ctx.dialect.dateAdd(ctx.col(cv, '__t'), -w.count, w.unit)}`)
  }
  props.forEach((_p, i) => on.push(`${ctx.col(b, `__prop_${i}`)} = ${ctx.col(cv, `__prop_${i}`)}`))
  // Attribute each conversion to the latest base event before it.
  const d0 = ctx.dialect
  const join: Join = d0.capabilities.nonEquiJoins
    ? { kind: 'inner', source: ctx.sub({ query: convSel, columns: [] }, cv), on }
    : { kind: 'cross', source: ctx.sub({ query: convSel, columns: [] }, cv), on: [] }
  const where = d0.capabilities.nonEquiJoins ? [] : on
  let attributed: Select
  if (d0.capabilities.windowFunctions) {
    // Ties (several base events at the same time) are broken on the items, so every engine picks the same event.
    const order = [ctx.col(b, '__t'), ...req.items.map((i) => ctx.col(b, i.name))].map((e) => `${e} DESC`).join(', ')
    const over = `OVER (PARTITION BY ${ctx.col(cv, '__event')} ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`
    attributed = select({
      distinct: true,
      items: [...req.items.map((i) => ({ expr: `FIRST_VALUE(${ctx.col(b, i.name)}) ${over}`, alias: i.name })),
        { expr: ctx.col(cv, '__event'), alias: '__event' }, { expr: ctx.col(cv, '__value'), alias: '__value' }],
      from: ctx.sub({ query: baseSel, columns: [] }, b),
      joins: [join],
      where,
    })
  } else {
    // No window functions: one group per conversion event, the base values of its latest base event.
    const order = [ctx.col(b, '__t'), ...req.items.map((i) => ctx.col(b, i.name))]
    const last = (e: string) => d0.argExtreme?.('last', e, order)
    if (req.items.length > 0 && !last('x')) throw new SemanticError('unsupported', `${d0.name} cannot attribute conversions to base events`)
    attributed = select({
      items: [...req.items.map((i) => ({ expr: last(ctx.col(b, i.name))!, alias: i.name })),
        { expr: ctx.col(cv, '__event'), alias: '__event' }, { expr: ctx.col(cv, '__value'), alias: '__value' }],
      from: ctx.sub({ query: baseSel, columns: [] }, b),
      joins: [join],
      where,
      groupBy: [ctx.col(cv, '__event'), ctx.col(cv, '__value')],
    })
  }
  const x = ctx.alias()
  const conversions: MetricValue = {
    dataset: {
      query: select({
        items: [...req.items.map((i) => ({ expr: ctx.col(x, i.name), alias: i.name })), { expr: aggregateExpr(ctx, conv.measure, ctx.col(x, '__value')), alias: '__conversions' }],
        from: ctx.sub({ query: attributed, columns: [] }, x),
        groupBy: req.items.map((i) => ctx.col(x, i.name)),
      }),
      columns: [...req.items.map((i) => i.name), '__conversions'],
    },
    column: '__conversions',
    fill: convIn.fill_nulls_with,
  }
  const joined = combine(ctx, [opportunities, conversions], req.items)
  const d = ctx.dialect
  const calc = c.calculation ?? 'conversion_rate'
  return {
    dataset: compute(ctx, joined, req.items, column, (col) => {
      const convValue = convIn.fill_nulls_with !== undefined ? `COALESCE(${col('__conversions')}, ${convIn.fill_nulls_with})` : col('__conversions')
      if (calc === 'conversions') return convValue
      return `${d.castToDouble(convValue)} / ${d.castToDouble(`NULLIF(${col('__opportunities')}, 0)`)}`
    }),
    column,
  }
}
