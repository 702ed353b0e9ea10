// A stored answer (query history) holds the rows and summary its access rules
// allowed when it ran. Once the rules a governed viewer is under change (a
// policy written, the viewer's role, groups or attributes), those rows may be
// more than the viewer may see now (emails masked since, a region taken away),
// so they are withheld until the question runs again. A viewer no policy
// governs (an admin) still sees what ran: running it again would show as much.
import type { Principal } from '../identity/principal'
import type { ConnectionService } from '../connections/connection-service'
import type { SemanticStore } from '../semantic-layer/semantic-store'
import type { AccessPolicyService } from './access-policy-service'
import { accessContextOf } from './access-context'
import { AppError } from '../errors'

interface StoredAnswer {
  id: string
  connectionId: string
  status: string
  request: unknown
}

export interface StaleAnswerDeps {
  connections: Pick<ConnectionService, 'get'>
  semantic: Pick<SemanticStore, 'load'>
  access: Pick<AccessPolicyService, 'restrict'>
}

export const WITHHELD = {
  reason: 'access_changed' as const,
  message: 'the access rules that apply to you changed since this ran; run the question again for an answer under the current rules',
}

/** Whether the stored answer's stamp says access policies were in force when it ran (restrict() writes `none/...` when none were). */
function ranUnderPolicies(a: StoredAnswer): boolean {
  const stamp = (a.request as { access_stamp?: unknown } | null)?.access_stamp
  return typeof stamp === 'string' && stamp !== '' && !stamp.startsWith('none/')
}

/** The ids of `rows` whose stored result `principal` may no longer read. */
export async function staleAnswers(deps: StaleAnswerDeps, principal: Principal, rows: readonly StoredAnswer[]): Promise<Set<string>> {
  const stale = new Set<string>()
  const ctx = accessContextOf(principal)
  const byConnection = new Map<string, StoredAnswer[]>()
  for (const r of rows) if (r.status === 'succeeded') byConnection.set(r.connectionId, [...(byConnection.get(r.connectionId) ?? []), r])
  for (const [connectionId, answers] of byConnection) {
    let conn
    try {
      conn = await deps.connections.get(principal.tenantId, connectionId)
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err
      // Deleted: its policies are gone with it, so nothing says the viewer may read what they
      // governed. An answer computed under policies stays withheld (deleting the connection must
      // not undo a withholding), except from an admin, who decides the policies anyway.
      if (!principal.scopes.includes('*')) for (const a of answers) if (ranUnderPolicies(a)) stale.add(a.id)
      continue
    }
    const layer = await deps.semantic.load(conn.tenantId, conn.id, conn.layerVersion)
    const view = await deps.access.restrict(conn, layer, ctx)
    if (!view.applied.length && !view.row_policies.length) continue
    for (const a of answers) {
      if ((a.request as { access_stamp?: unknown } | null)?.access_stamp !== view.access_stamp) stale.add(a.id)
    }
  }
  return stale
}
