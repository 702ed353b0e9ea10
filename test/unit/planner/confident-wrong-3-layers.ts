// The development layers under test/fixtures/<domain>/semantic (and the demo's, as 'demo'), loaded as the eval loads them (without its
// sample values), for the round-17 red-team tests: each asks one question the way round-17-layer.ts does.
import { join, resolve } from 'node:path'
import { yamlFiles } from '../../../src/cli/yaml-files'
import { buildCatalog, importMetricFlow, type Catalog, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { CLOCK } from './catalogs'

const FIXTURES = resolve(__dirname, '../../fixtures')
const DEMO = resolve(__dirname, '../../../src/demo/semantic')
const catalogs = new Map<string, Catalog>()


function layer(domain: string): Catalog {
  let c = catalogs.get(domain)
  if (!c) {
    c = buildCatalog(importMetricFlow(yamlFiles([domain === 'demo' ? DEMO : join(FIXTURES, domain, 'semantic')]), { source_schema: 'eval' }).manifest)
    catalogs.set(domain, c)
  }
  return c
}

/** The plan the offline planner answers on a development layer at the service's threshold, or the error code it gives. */
export function askOn(domain: string, question: string): SemanticQuery | string {
  try {
    return gateConfidence(planOffline(question, layer(domain), [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}
