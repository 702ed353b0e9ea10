// When a credential stops being valid (a key is revoked, a user disabled or
// deleted), nothing it set in motion may outlive it: the identity services
// report each such event through this hook, and the container wires it to the
// job queue (cancel queued jobs) and the audit log.
export interface CredentialsRevoked {
  tenantId: string
  /** Principals that lost their rights: the key or user, plus keys revoked with their owner. */
  principalIds: string[]
  /** Keys revoked because their owner was disabled or deleted (audited as `api_key.revoke`). */
  cascadedKeyIds: string[]
  /** Who caused it (usr_, key_, scim_), or null for the operator. */
  actorId: string | null
}

export type OnCredentialsRevoked = (e: CredentialsRevoked) => Promise<void>
