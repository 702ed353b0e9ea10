// Whom an access preview (POST /semantic/access/preview) speaks for: a stored
// user, a stored API key, or a role with groups and attributes described in
// the request. Exactly one way; the context is the one policies would read.
import { AppError, notFound } from '../errors'
import type { ApiKeyService } from '../identity/api-keys'
import type { UserService } from '../identity/users'
import type { AccessContext, Attributes } from '../../semantic/access'
import { accessContextOf } from './access-context'

export interface PreviewPrincipal {
  user_id?: string
  api_key_id?: string
  role?: string
  groups?: string[]
  attributes?: Attributes
}

export async function previewContext(deps: { users: UserService; apiKeys: ApiKeyService }, tenantId: string, p: PreviewPrincipal): Promise<AccessContext> {
  const ways = [p.user_id, p.api_key_id, p.role ?? p.attributes ?? p.groups].filter((x) => x !== undefined).length
  if (ways !== 1) throw new AppError('validation_error', 'principal needs exactly one of user_id, api_key_id, or role/groups/attributes', [{ path: 'principal', issue: 'one_of' }])
  if (p.user_id) {
    const who = await deps.users.principalById(tenantId, p.user_id)
    if (!who) throw notFound('user')
    return accessContextOf(who)
  }
  if (p.api_key_id) {
    const who = await deps.apiKeys.principalById(tenantId, p.api_key_id)
    if (!who) throw notFound('API key')
    return accessContextOf(who)
  }
  return { role: p.role ?? 'analyst', attributes: p.attributes ?? {}, ...(p.groups ? { groups: p.groups } : {}) }
}
