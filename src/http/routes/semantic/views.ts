import type { DimensionRow, MetricRow, ModelRow } from '../../../semantic-layer/semantic-store'
import type { Dimension, Metric, SavedQuery, SemanticModel } from '../../../../semantic/types'

export function metricView(r: MetricRow) {
  const d = r.definition as unknown as Omit<Metric, 'name'>
  return {
    id: r.id, connection_id: r.connectionId, name: r.name, label: d.label ?? null, description: d.description ?? null,
    synonyms: d.synonyms ?? [], format: d.format ?? null, type: d.type, type_params: d.type_params, filter: d.filter ?? null,
    time_granularity: d.time_granularity ?? null, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
  }
}

/** The name a query uses for a dimension: `<primary entity>__<dimension>`. */
function queryName(model: ModelRow | undefined, dim: string): string | null {
  const def = model?.definition as unknown as Partial<SemanticModel> | undefined
  const entity = def?.primary_entity ?? def?.entities?.find((e) => e.type === 'primary' || e.type === 'unique' || e.type === 'natural')?.name
  return entity ? `${entity}__${dim}` : null
}

export function dimensionView(r: DimensionRow, model: ModelRow | undefined) {
  const d = r.definition as unknown as Omit<Dimension, 'name'>
  return {
    id: r.id, connection_id: r.connectionId, model_id: r.modelId, semantic_model: model?.name ?? '', name: r.name,
    query_name: queryName(model, r.name), label: d.label ?? null, description: d.description ?? null, synonyms: d.synonyms ?? [],
    format: d.format ?? null, type: d.type, expr: d.expr ?? null, is_partition: d.is_partition ?? false, type_params: d.type_params ?? null,
    sample_values: (r.sampleValues as unknown[] | null) ?? null, sample_values_refreshed_at: r.sampleValuesAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
  }
}

export function modelView(r: ModelRow, m: SemanticModel) {
  return {
    id: r.id, connection_id: r.connectionId, name: r.name, label: m.label ?? null, description: m.description ?? null, synonyms: m.synonyms ?? [],
    node_relation: m.node_relation, defaults: m.defaults ?? null, primary_entity: m.primary_entity ?? null,
    entities: m.entities, measures: m.measures, dimensions: m.dimensions,
    created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
  }
}

export function savedQueryView(connectionId: string, q: SavedQuery) {
  const p = q.query_params
  return {
    connection_id: connectionId, name: q.name, label: q.label ?? null, description: q.description ?? null, synonyms: q.synonyms ?? [],
    query_params: { metrics: p.metrics, group_by: p.group_by ?? [], where: p.where ?? [], order_by: p.order_by ?? [], limit: p.limit ?? null },
  }
}
