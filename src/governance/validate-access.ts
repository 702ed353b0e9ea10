// Who may validate a semantic layer. Validation's probes read the unrestricted
// tables (duplicate and orphan counts), so on a layer with access policies
// they would reveal rows the caller's policies hide: there it is for admins
// only. Everywhere else anyone who may read the layer may validate it.
import { AppError } from '../errors'
import type { ConnectionService } from '../connections/connection-service'
import type { Principal } from '../identity/principal'
import type { AccessPolicyService } from './access-policy-service'

export async function assertMayValidate(deps: { access: AccessPolicyService; connections: ConnectionService }, principal: Principal, connectionId: string | undefined): Promise<void> {
  if (principal.scopes.includes('*')) return
  const conn = await deps.connections.resolve(principal.tenantId, connectionId)
  if ((await deps.access.forConnection(conn)).policies.length) {
    throw new AppError('forbidden', 'this semantic layer has access policies: only admins may validate it (validation reads rows the policies may hide)',
      [{ path: 'connection_id', issue: 'governed_layer', scope: '*' }])
  }
}
