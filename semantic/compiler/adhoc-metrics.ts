// Ad-hoc offset metrics of a query ("sales a month earlier") and the checks of
// the period-comparison and share-of-total options. An offset metric becomes a
// derived metric of a copy of the manifest, so it compiles exactly like one a
// dbt user would have written (offset_window / offset_to_grain on the time spine).
import { SemanticError, TIME_GRAINS, type Metric, type SemanticManifest, type SemanticQuery } from '../types'
import { parseWindow } from '../names'
import { suggest } from '../suggest'

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,199}$/

/** The manifest with one derived metric per offset metric of the query (the same object when there are none). */
export function withOffsetMetrics(manifest: SemanticManifest, query: SemanticQuery): SemanticManifest {
  const inputs = query.offset_metrics ?? []
  if (inputs.length === 0) return manifest
  if (!Array.isArray(inputs) || inputs.length > 20) throw invalid('offset_metrics', 'invalid_type', 'offset_metrics must be a list of at most 20 {name, alias, offset_window | offset_to_grain}')
  const known = new Map(manifest.metrics.map((m) => [m.name, m]))
  const added: Metric[] = []
  inputs.forEach((o, i) => {
    const path = `offset_metrics[${i}]`
    if (!o || typeof o !== 'object') throw invalid(path, 'invalid_type', `${path} must be {name, alias, offset_window | offset_to_grain}`)
    const base = known.get(o.name)
    if (!base) {
      throw new SemanticError('unknown_metric', `unknown metric "${o.name}" in ${path}`, [{ path: `${path}.name`, issue: 'unknown_metric', suggestions: suggest(String(o.name), [...known.keys()]) }])
    }
    if (typeof o.alias !== 'string' || !NAME.test(o.alias)) throw invalid(`${path}.alias`, 'invalid_name', `${path}.alias must be a name of letters, digits and _`)
    if (known.has(o.alias) || added.some((m) => m.name === o.alias)) throw invalid(`${path}.alias`, 'duplicate_name', `alias "${o.alias}" is already a metric name`)
    const hasWindow = o.offset_window !== undefined
    const hasGrain = o.offset_to_grain !== undefined
    if (hasWindow === hasGrain) throw invalid(path, 'needs_one_offset', `${path} needs exactly one of offset_window or offset_to_grain`)
    if (hasWindow && !parseWindow(String(o.offset_window))) throw invalid(`${path}.offset_window`, 'invalid_window', `offset_window "${String(o.offset_window)}" is not a time window like "1 month"`)
    if (hasGrain && !(TIME_GRAINS as readonly string[]).includes(String(o.offset_to_grain))) throw invalid(`${path}.offset_to_grain`, 'invalid_grain', `offset_to_grain must be one of ${TIME_GRAINS.join(', ')}`)
    const inner = `${o.alias}__input`
    added.push({
      name: o.alias,
      type: 'derived',
      label: `${base.label ?? base.name} (${hasWindow ? `${o.offset_window} earlier` : `at the start of the ${o.offset_to_grain}`})`,
      ...(base.format ? { format: base.format } : {}),
      type_params: { expr: inner, metrics: [{ name: o.name, alias: inner, ...(hasWindow ? { offset_window: o.offset_window, period_aligned: true } : { offset_to_grain: o.offset_to_grain }) }] },
    })
  })
  return { ...manifest, metrics: [...manifest.metrics, ...added] }
}

function invalid(path: string, issue: string, message: string): SemanticError {
  return new SemanticError('invalid_query', message, [{ path, issue }])
}
