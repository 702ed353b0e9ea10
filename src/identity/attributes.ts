// Who may set the attributes access policies read. Attributes decide which
// rows a principal may see, so setting them is as strong as writing a policy:
// admins only (`*`). A key made without attributes takes its owner's at
// creation (a BI key serving one partner is given that partner's).
import { AppError } from '../errors'
import type { Actor } from './scopes'

export function assertMaySetAttributes(actor: Actor): void {
  if (actor.scopes.includes('*')) return
  throw new AppError('forbidden', 'only admins may set attributes (they decide which rows access policies let through)', [{ path: 'attributes', issue: 'not_held', scope: '*' }])
}
