import type { Attributes } from '../../semantic/access/types'

/** Who is calling: resolved by the auth middleware, read by every route. */
export interface Principal {
  tenantId: string
  kind: 'api_key' | 'user'
  /** The key id (key_...) or user id (usr_...). Owns history and conversations. */
  id: string
  scopes: string[]
  role?: string
  /** For users: the session behind the access token. */
  sessionId?: string
  /** For API keys: the key's name as read when it was authenticated (the audit log's actor display). */
  displayName?: string
  /** For API keys: the user who owns the key, if any. */
  ownerUserId?: string | null
  /**
   * For a SCIM token (whose `scopes` stay empty, so no Nexatron route accepts
   * it): the scopes of the credential that created it, the ceiling of the
   * roles it may grant and of the users it may change.
   */
  delegatedScopes?: string[]
  /**
   * Attributes access policies read (users and API keys; see src/governance).
   * A user's are their own merged with their groups' (effective-attributes.ts);
   * a user's key reads its owner's as they stand unless an admin pinned its own;
   * a service key has its own.
   */
  attributes?: Attributes
  /** Users and their keys: the display names of the user's groups (policies' applies_to.groups, bypass_groups). */
  groups?: string[]
  /** false on a user's key with pinned attributes: its groups restrict but bypass nothing (see AccessContext). */
  groupsBypass?: false
}
