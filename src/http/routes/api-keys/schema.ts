import { z } from '@hono/zod-openapi'
import { SCOPES } from '../../../identity/scopes'
import { AttributesSchema } from '../semantic/access-schema'

export const ApiKeySchema = z.object({
  id: z.string().openapi({ example: 'key_8fK2mQ9xLp3RtV7wYz1A' }),
  name: z.string(),
  prefix: z.string().openapi({ example: 'nxa_3kT9' }),
  last4: z.string().openapi({ example: 'x0aQ' }),
  scopes: z.array(z.string()),
  attributes: AttributesSchema.nullable().openapi({ description: 'What access policies read about the key. Null on a user\'s key: its owner\'s attributes and groups as they stand at each request; an object: pinned by an admin (groups still follow the owner)' }),
  owner: z.object({ type: z.string(), user_id: z.string().nullable() }),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
}).openapi('ApiKey')

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The full key. Shown once; store it now.', example: 'nxa_3kT9x0aQ1bZ7yW2eR4uIoP5sD6fG8hJ9kL0zXcVbNm' }),
}).openapi('CreatedApiKey')

export const CreateApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100).openapi({ example: 'BI dashboard' }),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).default(['query:run', 'query:read'])
    .openapi({ example: ['query:run', 'query:read'] }),
  expires_in_days: z.number().int().min(1).max(3650).nullable().optional().openapi({ example: 90 }),
  attributes: AttributesSchema.optional().openapi({ description: 'Pins what access policies read about the key (admins only); absent: a user\'s key follows its owner\'s attributes and groups as they stand, and a key made by a key takes its maker\'s (a key never makes one that reads more than itself)' }),
}).strict().openapi('CreateApiKey')

export const UpdateApiKeySchema = z.object({
  attributes: AttributesSchema.nullable().openapi({ description: 'Pins the attributes; null returns a user\'s key to following its owner (a service key then has none)' }),
}).strict().openapi('UpdateApiKey')

export const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema), next_cursor: z.string().nullable() }).openapi('ApiKeyList')
