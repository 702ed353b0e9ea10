// How many metric nodes a metric expands to once compiled. Compilation (and
// graph walks like metricMeasures) visits derived/ratio inputs as a tree, not
// a DAG: a derived metric that reads the one below it twice doubles the work
// per level, so 20 such levels cost a million compiles from one query. A
// layer whose metrics expand past the limit is refused at import, and a stored
// one is refused at compile time before any of that work starts. A
// `{{ Metric('x', ...) }}` in a metric's own filters compiles x as well, so it
// counts as an input: a cycle through such filters recursed until the stack
// overflowed (a 500 on every query of the metric).
import type { Metric, MetricInput, SemanticManifest } from './types'
import { filterList, parseWhereFilter } from './where-filter'

/** Far above real layers (a derived metric reads a handful of inputs) and far below seconds of CPU. */
export const MAX_METRIC_EXPANSION = 500

/** Metrics named by Metric(...) in filter texts (unparsable ones are reported by validation). */
export function filterMetricNames(texts: Array<string | string[] | undefined>): string[] {
  const out: string[] = []
  for (const text of texts.flatMap((t) => filterList(t))) {
    try {
      for (const ref of parseWhereFilter(text).refs) if (ref.kind === 'metric') out.push(ref.name)
    } catch { /* not a filter: validation says so */ }
  }
  return out
}

/** Metrics compiled to compile `m`: derived/ratio inputs and Metric(...) refs of its filters. */
export function metricInputNames(m: Metric): string[] {
  const tp = m.type_params
  const obj = (x: string | { filter?: string | string[] } | undefined) => (x && typeof x === 'object' ? x.filter : undefined)
  const name = (x: string | MetricInput | undefined) => (typeof x === 'string' ? x : x?.name)
  const inputs = m.type === 'derived' ? (tp.metrics ?? []).map((x) => x.name)
    : m.type === 'ratio' ? [name(tp.numerator), name(tp.denominator)].filter((x): x is string => !!x)
      : []
  const filters = [m.filter, obj(tp.measure), obj(tp.numerator), obj(tp.denominator), ...(tp.metrics ?? []).map((x) => x.filter)]
  return [...inputs, ...filterMetricNames(filters)]
}

/**
 * Expanded size of each named metric (1 for a leaf, 1 + the inputs' sizes
 * otherwise), memoised so the count itself is linear. Iterative, so a long
 * chain cannot overflow the stack; a cycle counts as over the limit (cycles are
 * reported on their own by validation).
 */
export function metricExpansion(manifest: Pick<SemanticManifest, 'metrics'>, names: Iterable<string>): Map<string, number> {
  const byName = new Map(manifest.metrics.map((m) => [m.name, m]))
  const size = new Map<string, number>()
  const onPath = new Set<string>()
  for (const root of names) {
    const stack: Array<{ name: string; expanded: boolean }> = [{ name: root, expanded: false }]
    while (stack.length) {
      const top = stack[stack.length - 1]
      if (size.has(top.name)) { stack.pop(); continue }
      const m = byName.get(top.name)
      if (!m) { size.set(top.name, 1); stack.pop(); continue }
      const inputs = metricInputNames(m)
      if (!top.expanded) {
        top.expanded = true
        onPath.add(top.name)
        for (const i of inputs) {
          if (onPath.has(i)) size.set(i, Infinity)
          else if (!size.has(i)) stack.push({ name: i, expanded: false })
        }
        continue
      }
      stack.pop()
      onPath.delete(top.name)
      // Capped so sums stay finite however wide the layer is; Infinity (a cycle) stays Infinity.
      const sum = 1 + inputs.reduce((n, i) => n + (size.get(i) ?? 1), 0)
      size.set(top.name, Number.isFinite(sum) ? Math.min(sum, Number.MAX_SAFE_INTEGER) : Infinity)
    }
  }
  return size
}

/** Names of the given metrics that expand past the limit. */
export function oversizedMetrics(manifest: Pick<SemanticManifest, 'metrics'>, names: Iterable<string>, limit = MAX_METRIC_EXPANSION): Array<{ name: string; size: number }> {
  const list = [...new Set(names)]
  const sizes = metricExpansion(manifest, list)
  return list.map((name) => ({ name, size: sizes.get(name) ?? 1 })).filter((x) => x.size > limit)
}
