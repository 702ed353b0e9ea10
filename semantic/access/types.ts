// Access policies: who may read which rows, members and values of a semantic
// model. Policies are data stored with the layer; enforcement is a pure
// transform of the manifest (restrict.ts) that the compiler and the planners
// read without knowing who asks.

/** A principal attribute value: a scalar or a list of scalars. */
export type AttributeScalar = string | number | boolean
export type AttributeValue = AttributeScalar | AttributeScalar[]
export type Attributes = Record<string, AttributeValue>

export const MASK_METHODS = ['null', 'hash', 'partial'] as const
export type MaskMethod = (typeof MASK_METHODS)[number]

export interface AccessPolicy {
  /** Unique within the layer; named in denials and notes. */
  name: string
  /** The semantic model the policy governs. */
  model: string
  description?: string
  /**
   * Who the policy applies to (absent: everyone). Every given condition must
   * hold: the principal's role is listed, the principal is in one of the
   * listed groups (names compare case-insensitively), and for each attribute
   * the principal's value (or one of its values) is among the given ones.
   */
  applies_to?: { roles?: string[]; groups?: string[]; attributes?: Attributes }
  /** Roles the policy does not apply to. Admins are restricted unless listed here. */
  bypass_roles?: string[]
  /** Groups whose members the policy does not apply to (case-insensitive names). */
  bypass_groups?: string[]
  /** A where-filter template over the model's own dimensions/entities and the principal's attributes. */
  row_filter?: string
  /** Members hidden from the principal (`hide`), or the only ones left visible (`allow`). */
  member_access?: { hide?: string[]; allow?: string[] }
  mask?: Array<{ dimension: string; method: MaskMethod }>
  /** What a row filter does when the principal lacks an attribute it names (default `deny`: 403). */
  on_missing_attribute?: 'deny' | 'no_rows'
}

/** What of the principal the policies read: its role, groups and attributes. */
export interface AccessContext {
  role: string
  attributes: Attributes
  /** Display names of the principal's groups (users and their keys; a service key has none). */
  groups?: string[]
  /**
   * false: the groups restrict (applies_to.groups) but let nothing through (bypass_groups):
   * a user's key whose attributes an admin pinned reads no more than its pins allow.
   */
  groupsBypass?: boolean
}

/** One piece of a resolved row filter: SQL text as written, a column of the model, or an attribute value. */
export type RowFilterPart =
  | { sql: string }
  | { column: string; expr?: string }
  | { value: AttributeScalar }
  | { list: AttributeScalar[] }
  /**
   * `column IN (SELECT key FROM relation WHERE filters)`: rows of a model that
   * point (by a foreign entity) into a filtered model are only read when the
   * row they point at may be read.
   */
  | { column: string; expr?: string; in_relation: { alias: string; schema_name?: string; database?: string }; key: { column: string; expr?: string }; filters: ResolvedRowFilter[] }

/** A row filter resolved for one principal, carried on the model's node_relation. */
export interface ResolvedRowFilter {
  policy: string
  parts: RowFilterPart[]
}

/** What a policy did to a principal's view of the layer (for notes and previews; never values). */
export interface AppliedPolicy {
  policy: string
  model: string
  row_filter: boolean
  hidden: string[]
  masked: string[]
  denied?: { attribute: string }
}
