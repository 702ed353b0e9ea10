// The offline planner: deterministic, no LLM. See offline-planner.ts.
export { createOfflinePlanner, planOffline } from './offline-planner'
export type { OfflinePlannerOptions } from './offline-planner'
export { getCatalogIndex } from './catalog-index'
