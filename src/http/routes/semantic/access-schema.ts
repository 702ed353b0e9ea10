// Schemas of access policies, principal attributes and the access preview.
import { z } from '@hono/zod-openapi'
import { MASK_METHODS } from '../../../../semantic/access'
import { TIME_GRAINS, DATE_PARTS } from '../../../../semantic/types'

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const Scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()])

/** Principal attributes: at most 50 names, each a scalar or a list of at most 100 scalars. */
export const AttributesSchema = z.record(z.string().regex(ATTRIBUTE_KEY, 'attribute names are letters, digits and _ (at most 64)'), z.union([Scalar, z.array(Scalar).max(100)]))
  .refine((o) => Object.keys(o).length <= 50, { message: 'at most 50 attributes' })
  .openapi('Attributes', { description: 'What access policies read about a user or key: name → scalar or list of scalars', example: { region: ['West'], partner_id: 42 } })

const Name = z.string().min(1).max(200)

export const AccessPolicySchema = z.object({
  name: Name.openapi({ example: 'regional_managers' }),
  model: Name.openapi({ example: 'stores' }),
  description: z.string().max(2000).optional(),
  applies_to: z.object({
    roles: z.array(z.string().max(50)).max(20).optional(),
    groups: z.array(z.string().min(1).max(200)).max(50).optional().openapi({ description: 'Group display names (case-insensitive): the principal must be in one', example: ['Sales West'] }),
    attributes: AttributesSchema.optional(),
  }).strict().optional()
    .openapi({ description: 'Who the policy governs (absent: everyone); every given condition must hold' }),
  bypass_roles: z.array(z.string().max(50)).max(20).optional().openapi({ description: 'Roles the policy does not apply to (admins are restricted unless listed)', example: ['admin'] }),
  bypass_groups: z.array(z.string().min(1).max(200)).max(50).optional().openapi({ description: 'Groups whose members the policy does not apply to (case-insensitive names)', example: ['Finance Auditors'] }),
  row_filter: z.string().min(1).max(10_000).optional().openapi({ example: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}" }),
  member_access: z.object({ hide: z.array(Name).max(500).optional(), allow: z.array(Name).max(500).optional() }).strict().optional(),
  mask: z.array(z.object({ dimension: Name, method: z.enum(MASK_METHODS) }).strict()).max(200).optional(),
  on_missing_attribute: z.enum(['deny', 'no_rows']).optional().openapi({ description: 'A principal without an attribute the row filter names: 403 access_denied (deny, default) or no rows' }),
}).strict().openapi('AccessPolicy')

export const AccessPolicySetSchema = z.object({
  connection_id: z.string(),
  policies: z.array(AccessPolicySchema),
  updated_at: z.string().nullable(),
}).openapi('AccessPolicySet')

export const AccessPoliciesQuery = z.object({ connection_id: z.string().max(64).optional() })

export const ReplaceAccessPoliciesSchema = z.object({
  connection_id: z.string().max(64).optional(),
  policies: z.array(AccessPolicySchema).max(500),
}).strict().openapi('ReplaceAccessPolicies')

const GroupBy = z.union([z.string().min(1).max(300), z.object({ name: z.string().min(1).max(300), grain: z.enum(TIME_GRAINS).optional(), date_part: z.enum(DATE_PARTS).optional() }).strict()])

export const AccessPreviewSchema = z.object({
  connection_id: z.string().max(64).optional(),
  principal: z.object({
    user_id: z.string().max(64).optional(),
    api_key_id: z.string().max(64).optional(),
    role: z.string().max(50).optional(),
    groups: z.array(z.string().min(1).max(200)).max(50).optional().openapi({ description: 'With role/attributes: the group names to preview as' }),
    attributes: AttributesSchema.optional(),
  }).strict().openapi({ description: 'A user, an API key, or a role with groups and attributes (exactly one way)' }),
  query: z.object({
    metrics: z.array(z.string().min(1).max(300)).max(50).default([]),
    group_by: z.array(GroupBy).max(50).optional(),
    where: z.array(z.string().max(10_000)).max(50).optional(),
    filters: z.array(z.object({
      field: z.string().min(1).max(300),
      op: z.enum(['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'between', 'like', 'is_null', 'is_not_null']),
      value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(10_000), z.number(), z.boolean()])).max(1000)]).optional(),
    }).strict()).max(50).optional(),
    time_constraint: z.object({ start: z.string().max(40).optional(), end: z.string().max(40).optional() }).strict().optional(),
    order_by: z.array(z.string().min(1).max(301)).max(50).optional(),
    limit: z.number().int().min(0).max(10_000_000).optional(),
    saved_query: z.string().min(1).max(300).optional(),
  }).strict(),
}).strict().openapi('AccessPreviewRequest')

export const AccessPreviewResultSchema = z.object({
  connection_id: z.string(),
  sql: z.string(),
  params: z.array(z.any()),
  sql_inline: z.string(),
  applied: z.array(z.object({ policy: z.string(), model: z.string(), row_filter: z.boolean(), hidden: z.array(z.string()), masked: z.array(z.string()), denied: z.object({ attribute: z.string() }).optional() })),
  access_context_key: z.string(),
  visible_metrics: z.array(z.string()),
}).openapi('AccessPreview')
