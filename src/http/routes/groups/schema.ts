import { z } from '@hono/zod-openapi'
import { AttributesSchema } from '../semantic/access-schema'

const Name = z.string().trim().min(1).max(200)
const UserIds = z.array(z.string().min(1).max(64)).max(1000)

export const GroupSchema = z.object({
  id: z.string().openapi({ example: 'grp_4Rk2mQ9xLp3RtV7wYz1A' }),
  display_name: z.string().openapi({ example: 'Sales West' }),
  external_id: z.string().nullable().openapi({ description: "The identity provider's id of the group (SCIM externalId)" }),
  attributes: AttributesSchema.openapi({ description: "Attributes the group's members inherit (lists are merged; a user's own scalar wins)" }),
  member_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Group')

export const GroupMemberSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }).openapi('GroupMember')

export const GroupDetailSchema = GroupSchema.extend({
  role: z.enum(['admin', 'analyst', 'viewer']).nullable().openapi({ description: 'The role members get from this group (NEXATRON_SCIM_ROLE_GROUPS), or null' }),
  members: z.array(GroupMemberSchema),
}).openapi('GroupDetail')

export const GroupListSchema = z.object({ data: z.array(GroupSchema), next_cursor: z.string().nullable() }).openapi('GroupList')

export const GroupListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional(),
  display_name: z.string().max(200).optional().openapi({ description: 'Only the group of this name (case-insensitive)' }),
})

export const CreateGroupSchema = z.object({
  display_name: Name,
  external_id: z.string().trim().min(1).max(255).optional(),
  attributes: AttributesSchema.optional().openapi({ description: 'Attributes its members inherit (admins only)' }),
  members: UserIds.optional().openapi({ description: 'User ids (usr_...) of this tenant' }),
}).strict().openapi('CreateGroup')

export const UpdateGroupSchema = z.object({
  display_name: Name.optional(),
  external_id: z.string().trim().min(1).max(255).nullable().optional(),
  attributes: AttributesSchema.optional().openapi({ description: 'Replaces the attributes its members inherit (admins only)' }),
}).strict().openapi('UpdateGroup')

export const ChangeMembersSchema = z.object({
  add: UserIds.optional(),
  remove: UserIds.optional(),
}).strict().openapi('ChangeGroupMembers')

export const ReplaceMembersSchema = z.object({ user_ids: UserIds }).strict().openapi('ReplaceGroupMembers')
