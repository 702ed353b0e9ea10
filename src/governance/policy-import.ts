// Access policies that arrive with a MetricFlow import (`access_policies:` and
// `meta.nexatron.access` in the YAML): checked against the layer the import
// will leave (with file, YAML path and line) before anything is written, then
// stored with the layer once the import succeeded. A `replace` import replaces
// the policies; a `merge` import replaces them by name.
import { AppError } from '../errors'
import { importMetricFlow } from '../../semantic'
import { importAccessPolicies, validateAccessPolicies, type AccessPolicy } from '../../semantic/access'
import type { SemanticManifest } from '../../semantic/types'
import type { SemanticStore } from '../semantic-layer/semantic-store'
import type { ConnectionService } from '../connections/connection-service'
import type { AccessPolicyService } from './access-policy-service'
import type { Principal } from '../identity/principal'

export interface PolicyImportDeps { access: AccessPolicyService; semantic: SemanticStore; connections: ConnectionService }

const byName = <T extends { name: string }>(a: T[], b: T[]) => { const m = new Map(a.map((x) => [x.name, x])); for (const x of b) m.set(x.name, x); return [...m.values()] }

export async function importWithPolicies<T extends { connection_id: string }>(deps: PolicyImportDeps, principal: Pick<Principal, 'tenantId' | 'scopes'>,
  input: { connectionId?: string; files: Array<{ path: string; content: string }>; mode: 'merge' | 'replace'; format?: string },
  run: () => Promise<T>): Promise<T & { access_policies?: number }> {
  if (input.format && input.format !== 'metricflow') return run()
  const found = importAccessPolicies(input.files)
  if (!found.policies.length && !found.problems.length) return run()
  const tenantId = principal.tenantId
  // Policies decide who reads what: changing them needs an admin, whoever may edit definitions.
  if (!principal.scopes.includes('*')) {
    throw new AppError('forbidden', 'the import contains access policies, which only admins may change', [{ path: found.origins[0]?.path ?? 'access_policies', issue: 'not_held', scope: '*' }])
  }
  const problems: Array<{ path: string; issue: string; file?: string; line?: number }> = found.problems.map((p) => ({ path: p.path, issue: p.message, file: p.file, ...(p.line ? { line: p.line } : {}) }))
  const conn = await deps.connections.resolve(tenantId, input.connectionId)
  const current = await deps.access.forConnection(conn)
  const policies: AccessPolicy[] = input.mode === 'replace' ? found.policies : byName(current.policies, found.policies)
  if (!problems.length) {
    // The layer as the import will leave it: the files' models over the stored ones (merge) or alone (replace).
    const imported = importMetricFlow(input.files).manifest
    const stored = input.mode === 'replace' ? undefined : (await deps.semantic.load(tenantId, conn.id)).manifest
    const after: SemanticManifest = stored
      ? { ...stored, semantic_models: byName(stored.semantic_models, imported.semantic_models), metrics: byName(stored.metrics, imported.metrics) }
      : imported
    for (const p of validateAccessPolicies(after, found.policies)) {
      const i = Number(/^access_policies\[(\d+)\]/.exec(p.path)?.[1])
      const origin = found.origins[i]
      const path = origin ? p.path.replace(/^access_policies\[\d+\]/, origin.path) : p.path
      problems.push({ path, issue: p.message, ...(origin ? { file: origin.file, ...(origin.line ? { line: origin.line } : {}) } : {}) })
    }
  }
  if (problems.length) {
    throw new AppError('invalid_model', `the access policies of the import have problems: ${problems[0].issue}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems)
  }
  const result = await run()
  await deps.access.replace(tenantId, result.connection_id, policies)
  return { ...result, access_policies: found.policies.length }
}
