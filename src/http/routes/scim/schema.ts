import { z } from '@hono/zod-openapi'

export const ScimTokenSchema = z.object({
  id: z.string().openapi({ example: 'scim_8fK2mQ9xLp3RtV7wYz1A' }),
  prefix: z.string().openapi({ example: 'nxs_3kT9' }),
  last4: z.string().openapi({ example: 'x0aQ' }),
  scopes: z.array(z.string()).openapi({
    example: ['*'],
    description: 'The scopes of the credential that created the token: SCIM may grant roles, and change users, only within them (the admin role needs *)',
  }),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
}).openapi('ScimToken')

export const ScimTokenStatusSchema = z.object({
  configured: z.boolean(),
  token: ScimTokenSchema.nullable(),
  base_url: z.string().openapi({ example: '/scim/v2', description: 'Where identity providers send SCIM requests' }),
}).openapi('ScimTokenStatus')

export const CreatedScimTokenSchema = ScimTokenSchema.extend({
  token: z.string().openapi({ description: 'The SCIM bearer token. Shown once; the previous token stops working now.', example: 'nxs_3kT9x0aQ1bZ7yW2eR4uIoP5sD6fG8hJ9kL0zXcVbNm' }),
  base_url: z.string().openapi({ example: '/scim/v2' }),
}).openapi('CreatedScimToken')
