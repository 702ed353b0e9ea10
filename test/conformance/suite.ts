// Where the MetricFlow conformance data lives and which manifest/fixtures each
// case model uses (the table in the suite's README).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { METRICFLOW_SUITE_DIR } from '../support/metricflow-suite'

/** Directory of the vendored suite; override with METRICFLOW_SUITE_DIR. */
export const SUITE_DIR = METRICFLOW_SUITE_DIR

export function suiteAvailable(dir: string = SUITE_DIR): boolean {
  return existsSync(path.join(dir, 'cases')) && existsSync(path.join(dir, 'manifests')) && existsSync(path.join(dir, 'fixtures'))
}

export const MODELS = {
  SIMPLE_MODEL: { manifest: 'simple_manifest', fixtures: ['simple_model', 'time_spine_table'] },
  SIMPLE_MODEL_NON_DS: { manifest: 'non_sm_manifest', fixtures: ['simple_model', 'time_spine_table'] },
  EXTENDED_DATE_MODEL: { manifest: 'extended_date_manifest', fixtures: ['extended_date_model', 'time_spine_table'] },
  UNPARTITIONED_MULTI_HOP_JOIN_MODEL: { manifest: 'multi_hop_join_manifest', fixtures: ['multi_hop_join_model', 'time_spine_table'] },
  PARTITIONED_MULTI_HOP_JOIN_MODEL: { manifest: 'partitioned_multi_hop_join_manifest', fixtures: ['multi_hop_join_model', 'time_spine_table'] },
  // The SCD tables live in simple_model; the spine is needed for metric_time.
  SCD_MODEL: { manifest: 'scd_manifest', fixtures: ['simple_model', 'time_spine_table'] },
} as const satisfies Record<string, { manifest: string; fixtures: readonly string[] }>

export type ModelName = keyof typeof MODELS

export function isModelName(name: string): name is ModelName {
  return Object.prototype.hasOwnProperty.call(MODELS, name)
}

/** Fixture folders needed by a set of models, de-duplicated, in a stable order. */
export function fixtureFoldersFor(models: Iterable<ModelName>): string[] {
  const out = new Set<string>()
  for (const m of models) for (const f of MODELS[m].fixtures) out.add(f)
  return [...out].sort()
}
