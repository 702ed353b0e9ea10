import { z } from '@hono/zod-openapi'
import { AttributesSchema } from '../semantic/access-schema'
import { ROLES } from '../../../identity/scopes'

export const LoginSchema = z.object({
  email: z.string().trim().email().max(320).openapi({ example: 'ada@example.com' }),
  password: z.string().min(1).max(1024),
  tenant: z.string().trim().min(1).max(200).optional().openapi({
    example: 'acme',
    description: 'The tenant (name or id) to log in to. Emails are unique per tenant only: when yours belongs to several tenants, '
      + 'a login without `tenant` fails exactly like a wrong password (nothing tells whether the email exists elsewhere).',
  }),
}).strict().openapi('Login')

export const RefreshSchema = z.object({
  refresh_token: z.string().min(1).max(200).optional().openapi({
    description: 'The refresh token. Leave it out to use the console\'s refresh cookie instead (then the request must carry `X-Nexatron-Console: 1`).',
  }),
}).strict().openapi('Refresh')

export const TokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional().openapi({
    description: 'Absent when the request carried `X-Nexatron-Console: 1`: the refresh token was then set as an HttpOnly cookie instead.',
  }),
  expires_in: z.number().int().openapi({ example: 900 }),
  token_type: z.literal('Bearer'),
}).openapi('TokenPair')

export const MeSchema = z.object({
  kind: z.enum(['user', 'api_key']),
  id: z.string(),
  tenant: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  role: z.string().nullable(),
  scopes: z.array(z.string()),
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }).nullable(),
  api_key: z.object({ id: z.string(), name: z.string(), prefix: z.string(), expires_at: z.string().nullable() }).nullable(),
  attributes: AttributesSchema.openapi({ description: 'The attributes access policies read for this credential (a user\'s own merged with their groups\', or the API key\'s)' }),
  groups: z.array(z.string()).openapi({ description: 'The user\'s groups by name (empty for API keys)', example: ['Sales West'] }),
}).openapi('Me')

// ------------------------------------------------------------ single sign-on

const domain = z.string().trim().toLowerCase().min(1).max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'a domain name such as example.com')

export const SsoSettingsInputSchema = z.object({
  enabled: z.boolean().default(true).openapi({ description: 'Turn sign-in through the provider off without losing the settings' }),
  issuer: z.string().trim().min(1).max(2048).openapi({
    example: 'https://acme.okta.com',
    description: 'The OpenID issuer (its /.well-known/openid-configuration is read). https; http only for a loopback address. '
      + 'Must be reachable under NEXATRON_ALLOWED_NETWORKS.',
  }),
  client_id: z.string().trim().min(1).max(512).openapi({ example: '0oa1b2c3d4e5f6g7h8i9' }),
  client_secret: z.string().min(1).max(4096).optional().openapi({
    description: 'Write-only (never answered; stored encrypted). Required the first time and whenever issuer or client_id change; '
      + 'left out otherwise, the stored one is kept.',
  }),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'a scope token (no spaces or quotes)')).min(1).max(20).optional()
    .openapi({ example: ['openid', 'email', 'profile', 'groups'], description: 'Default openid, email, profile; must include openid' }),
  groups_claim: z.string().trim().min(1).max(128).nullable().optional().openapi({
    example: 'groups',
    description: 'The ID token (or userinfo) claim listing the user\'s groups or app roles (Okta: `groups`; Entra: `groups` or `roles`; '
      + 'a dotted name reaches into nested claims). Left out: roles are not taken from the provider.',
  }),
  role_mapping: z.record(z.string().min(1).max(256), z.enum(ROLES)).optional().refine((m) => !m || Object.keys(m).length <= 200, 'at most 200 entries')
    .openapi({
      example: { 'Nexatron Admins': 'admin', 'Nexatron Analysts': 'analyst' },
      description: 'Provider group (name, or Entra object id) → role. A group named exactly `admin`, `analyst` or `viewer` is that role '
        + '(as in SCIM). Several matches: the strongest role; none: NEXATRON_SCIM_DEFAULT_ROLE.',
    }),
  allowed_email_domains: z.array(domain).max(100).optional().openapi({
    example: ['acme.com'], description: 'Only emails of these domains may sign in (empty: any the provider vouches for)',
  }),
  password_login: z.boolean().default(true).openapi({ description: 'false: /auth/login answers 403 password_login_disabled for this tenant\'s users' }),
  button_label: z.string().trim().min(1).max(80).nullable().optional().openapi({ example: 'Sign in with Okta' }),
}).strict().openapi('SsoSettingsInput')

export const SsoSettingsSchema = z.object({
  enabled: z.boolean(),
  issuer: z.string(),
  client_id: z.string(),
  client_secret_set: z.literal(true).openapi({ description: 'The secret is stored; it is never answered' }),
  scopes: z.array(z.string()),
  groups_claim: z.string().nullable(),
  role_mapping: z.record(z.string(), z.enum(ROLES)),
  allowed_email_domains: z.array(z.string()),
  password_login: z.boolean(),
  button_label: z.string(),
  redirect_uri: z.string().openapi({ example: 'https://nexatron.acme.com/api/v1/auth/sso/callback', description: 'Register this at the provider' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('SsoSettings')

export const SsoPublicConfigSchema = z.object({
  enabled: z.boolean(),
  button_label: z.string().nullable().openapi({ example: 'Sign in with SSO' }),
  password_login: z.boolean(),
}).openapi('SsoPublicConfig')

const tenant = z.string().trim().min(1).max(200).openapi({ example: 'acme', description: 'The tenant (name or id)' })

export const SsoConfigQuery = z.object({ tenant })

export const SsoStartQuery = z.object({
  tenant,
  return_to: z.string().max(2048).optional().openapi({ example: '/', description: 'A path on this server to land on afterwards (default /)' }),
})

export const SsoCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
  session_state: z.string().max(512).optional(),
})
