// The closed list of audit actions. Every record's action is one of these
// (the type makes a typo a compile error, and the service refuses anything
// else at run time); README "Enterprise" and the OpenAPI description list them.
export const AUDIT_ACTIONS = {
  'api_key.create': 'An API key was created',
  'api_key.revoke': 'An API key was revoked',
  'api_key.update': 'The attributes of an API key were changed (governance)',
  'user.create': 'A user was created',
  'user.update': 'A user was changed (role, name, disabled, password)',
  'user.delete': 'A user was deleted',
  'group.create': 'A group was created',
  'group.update': 'A group was renamed, or its external id or attributes changed',
  'group.delete': 'A group was deleted',
  'group.members': 'The members of a group were changed (a role-mapped group changes their roles)',
  'connection.create': 'A database connection was created',
  'connection.update': 'A database connection was changed',
  'connection.delete': 'A database connection was deleted',
  'connection.test': 'A connection was tested',
  'semantic.import': 'A semantic layer was imported',
  'semantic.model.create': 'A semantic model was created',
  'semantic.model.update': 'A semantic model was changed',
  'semantic.model.delete': 'A semantic model was deleted',
  'semantic.metric.create': 'A metric was created',
  'semantic.metric.update': 'A metric was changed',
  'semantic.metric.delete': 'A metric was deleted',
  'semantic.dimension.create': 'A dimension was created',
  'semantic.dimension.update': 'A dimension was changed',
  'semantic.dimension.delete': 'A dimension was deleted',
  'semantic.dimension.refresh_values': 'Sample values of a dimension were refreshed',
  'semantic.access_policies.replace': 'The access policies of a semantic layer were replaced (governance)',
  'settings.webhook_secret.rotate': 'The webhook signing secret was rotated',
  'settings.update': 'A tenant setting was changed',
  'sso.settings.update': 'Single sign-on settings were set or changed',
  'sso.settings.delete': 'Single sign-on was removed',
  'scim_token.rotate': 'The SCIM token was created or rotated',
  'scim_token.delete': 'The SCIM token was deleted',
  'scim.user.create': 'SCIM created a user',
  'scim.user.replace': 'SCIM replaced a user',
  'scim.user.update': 'SCIM patched a user',
  'scim.user.delete': 'SCIM deleted a user',
  'scim.group.create': 'SCIM created a group',
  'scim.group.replace': 'SCIM replaced a group',
  'scim.group.update': 'SCIM patched a group',
  'scim.group.delete': 'SCIM deleted a group',
  'auth.login': 'A password login succeeded',
  'auth.login_failed': 'A password login failed',
  'auth.refresh': 'A refresh token was exchanged',
  'auth.refresh_reuse_detected': 'A spent refresh token was presented again: the whole session family was revoked',
  'auth.logout': 'A session was ended',
  'auth.sso_login': 'A single sign-on login',
  'access.denied': 'A request was refused: 401 (bad credential) or 403 (missing scope or role)',
  'query.run': 'A question or semantic query ran (connection, status, rows, duration, planner; never values)',
  'query.submit': 'An async query was queued',
  'query.delete': 'A query was deleted from history',
  'query.cancel': 'A query was cancelled',
  'job.cancel': 'An async job was cancelled because its credential was revoked',
  'job.webhook_cancel': 'Pending webhook deliveries were dropped because their credential was revoked',
  'plan.change': "The tenant's plan was changed",
  'audit.export': 'The audit log was exported',
  'audit.retention_prune': 'Records older than the retention period were pruned (checkpoint: the chain continues from here)',
} as const satisfies Record<string, string>

export type AuditAction = keyof typeof AUDIT_ACTIONS

export const isAuditAction = (a: string): a is AuditAction => Object.hasOwn(AUDIT_ACTIONS, a)

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'scim', 'system'] as const
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number]

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]
