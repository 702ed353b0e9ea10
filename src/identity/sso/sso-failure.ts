// Why a single sign-on attempt failed, as a short code the console's sign-in
// page can show (`/sign-in?sso_error=<code>`). The message is for the log and
// the audit trail only: it may quote the identity provider, never a secret.
export const SSO_FAILURES = {
  sso_not_configured: 'single sign-on is not configured for this tenant',
  state_mismatch: 'the sign-in did not start in this browser, or its state does not match',
  state_expired: 'the sign-in expired or was already completed; start again',
  idp_error: 'the identity provider refused the sign-in',
  idp_unreachable: 'the identity provider could not be reached',
  code_rejected: 'the identity provider\'s answer failed validation',
  email_missing: 'the identity provider did not give an email address',
  email_not_verified: 'the identity provider says the email address is not verified',
  domain_not_allowed: 'this email domain may not sign in to this tenant',
  identity_conflict: 'this account is already linked to another identity of the provider',
  user_disabled: 'this user is deactivated',
  plan_limit_reached: 'the tenant\'s plan has no free seat for a new user',
} as const

export type SsoFailureCode = keyof typeof SSO_FAILURES

export class SsoFailure extends Error {
  /** The tenant the attempt was for, once known (the failure is then audited there). */
  tenantId?: string
  /** The user it was for, once known. */
  userId?: string

  constructor(readonly reason: SsoFailureCode, message?: string, cause?: unknown) {
    super(message ?? SSO_FAILURES[reason], cause === undefined ? undefined : { cause })
    this.name = 'SsoFailure'
  }
}
