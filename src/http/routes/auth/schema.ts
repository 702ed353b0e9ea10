import { z } from '@hono/zod-openapi'
import { AttributesSchema } from '../semantic/access-schema'

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
  attributes: AttributesSchema.openapi({ description: 'The attributes access policies read for this credential (a user\'s own, or the API key\'s)' }),
}).openapi('Me')
