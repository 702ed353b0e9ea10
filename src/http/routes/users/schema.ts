import { z } from '@hono/zod-openapi'
import { ROLES } from '../../../identity/scopes'
import { MIN_PASSWORD_LENGTH } from '../../../identity/passwords'
import { AttributesSchema } from '../semantic/access-schema'

export const UserSchema = z.object({
  id: z.string().openapi({ example: 'usr_7Hk2mQ9xLp3RtV7wYz1A' }),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  scopes: z.array(z.string()),
  disabled: z.boolean(),
  attributes: AttributesSchema,
  groups: z.array(z.object({ id: z.string(), display_name: z.string() })).openapi({ description: 'Groups the user is a member of (SCIM or /groups)' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('User')

const password = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024)

export const CreateUserSchema = z.object({
  email: z.string().trim().email().max(320),
  password,
  role: z.enum(ROLES).default('analyst'),
  name: z.string().trim().max(200).optional(),
}).strict().openapi('CreateUser')

export const UpdateUserSchema = z.object({
  name: z.string().trim().max(200).nullable().optional(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  password: password.optional(),
  attributes: AttributesSchema.optional().openapi({ description: 'Replaces the attributes access policies read (admins only)' }),
}).strict().openapi('UpdateUser')

export const UserListSchema = z.object({ data: z.array(UserSchema), next_cursor: z.string().nullable() }).openapi('UserList')
