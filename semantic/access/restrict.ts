// restrictManifest: one principal's view of a semantic layer. Pure: the same
// manifest, policies and access context always give the same view, so the
// result can be cached by accessContextKey. The compiler, the catalog and the
// planners then work on the restricted manifest and need not know who asks:
// - row filters ride on the model's node_relation and the compiler reads the
//   table through them wherever it reads the model (measures, joins, Metric()
//   subqueries, dimension-only queries, saved queries);
// - hidden members are removed, and so is everything built on them (metrics
//   whose inputs or filters need them, saved queries of those metrics);
// - masked dimensions carry their method; the compiler selects the masked value;
// - sample values read from all rows are dropped where rows are filtered or masked.
import type { Dimension, Entity, Metric, SavedQuery, SemanticManifest, SemanticModel } from '../types'
import { validateManifest } from '../validate'
import { followsIn, parseRowFilterTemplate, TemplateError } from './row-filter-template'
import type { MaskMethod, AccessContext, AccessPolicy, AppliedPolicy, AttributeScalar, AttributeValue, ResolvedRowFilter, RowFilterPart } from './types'

export interface RestrictedManifest {
  manifest: SemanticManifest
  /** The policies that changed this principal's view (no attribute values). */
  applied: AppliedPolicy[]
  /** Policies with a row filter that apply to this principal: raw SQL is refused while any does. */
  row_policies: string[]
}

const asList = (v: AttributeValue): AttributeScalar[] => (Array.isArray(v) ? v : [v])
const sameValue = (a: AttributeScalar, b: AttributeScalar) => String(a) === String(b)

/** Whether the principal is in one of `names` (group names are case-insensitive, like their uniqueness). */
export function inAnyGroup(ctx: AccessContext, names: readonly string[]): boolean {
  const mine = new Set((ctx.groups ?? []).map((g) => g.toLowerCase()))
  return names.some((n) => mine.has(n.toLowerCase()))
}

/** Whether a policy governs this principal (bypass roles and groups first, then every applies_to condition). */
export function policyApplies(policy: AccessPolicy, ctx: AccessContext): boolean {
  if (policy.bypass_roles?.includes(ctx.role)) return false
  if (policy.bypass_groups && ctx.groupsBypass !== false && inAnyGroup(ctx, policy.bypass_groups)) return false
  const to = policy.applies_to
  if (!to) return true
  if (to.roles && !to.roles.includes(ctx.role)) return false
  if (to.groups && !inAnyGroup(ctx, to.groups)) return false
  for (const [name, wanted] of Object.entries(to.attributes ?? {})) {
    const have = ctx.attributes[name]
    if (have === undefined) return false
    if (!asList(have).some((h) => asList(wanted).some((w) => sameValue(h, w)))) return false
  }
  return true
}

/** The model's column a row filter names: `entity__dim`, `dim`, or an entity. */
export function filterColumn(model: SemanticModel, kind: 'dimension' | 'entity', name: string): Dimension | Entity | undefined {
  if (kind === 'entity') return model.entities.find((e) => e.name === name)
  const i = name.lastIndexOf('__')
  if (i < 0) return model.dimensions.find((d) => d.name === name)
  const entity = name.slice(0, i)
  if (!model.entities.some((e) => e.name === entity)) return undefined
  return model.dimensions.find((d) => d.name === name.slice(i + 2))
}

type Resolution = { filter: ResolvedRowFilter } | { denied: { attribute: string } }

function resolveRowFilter(policy: AccessPolicy, model: SemanticModel, ctx: AccessContext): Resolution {
  let tokens
  try {
    tokens = parseRowFilterTemplate(policy.row_filter!)
  } catch (e) {
    // Stored policies were validated; one that no longer parses reads nothing.
    if (e instanceof TemplateError) return { filter: { policy: policy.name, parts: [{ sql: '1 = 0' }] } }
    throw e
  }
  const parts: RowFilterPart[] = []
  for (const [i, t] of tokens.entries()) {
    if (t.kind === 'sql') { parts.push({ sql: t.text }); continue }
    if (t.kind === 'dimension' || t.kind === 'entity') {
      const col = filterColumn(model, t.kind, t.name)
      // A column gone since the policy was stored: nothing can be proven about the rows.
      if (!col) return { filter: { policy: policy.name, parts: [{ sql: '1 = 0' }] } }
      parts.push({ column: col.name, ...(col.expr !== undefined ? { expr: col.expr } : {}) })
      continue
    }
    const value = ctx.attributes[t.name]
    if (value === undefined) {
      if (policy.on_missing_attribute === 'no_rows') return { filter: { policy: policy.name, parts: [{ sql: '1 = 0' }] } }
      return { denied: { attribute: t.name } }
    }
    if (followsIn(tokens, i)) parts.push({ list: asList(value) })
    else if (!Array.isArray(value)) parts.push({ value })
    else if (value.length === 1) parts.push({ value: value[0] })
    // Several values where the filter compares with one: refuse rather than pick one.
    else return { denied: { attribute: t.name } }
  }
  return { filter: { policy: policy.name, parts } }
}

/** The dimension and values of a filter that is exactly `column = value` or `column IN (values)`. */
function pinnedValues(f: ResolvedRowFilter): { column: string; values: Set<string> } | undefined {
  const [a, op, b, ...rest] = f.parts
  if (rest.length || !a || !op || !b || !('column' in a) || 'in_relation' in a || !('sql' in op) || !/^\s*(=|in)\s*$/i.test(op.sql)) return undefined
  if ('value' in b) return { column: a.column, values: new Set([String(b.value)]) }
  if ('list' in b) return { column: a.column, values: new Set(b.list.map(String)) }
  return undefined
}

interface ModelChanges {
  rowFilters: ResolvedRowFilter[]
  denied?: { policy: string; attribute: string; reason?: string }
  hiddenDims: Set<string>
  hiddenEntities: Set<string>
  masks: Map<string, MaskMethod>
  /**
   * Dimensions a row filter pins to attribute values (`dim IN Attribute(x)`,
   * `dim = Attribute(x)`): their sample values may stay, narrowed to those values,
   * so planners still ground "sales in West" for a West manager.
   */
  pinned?: Map<string, Set<string>>
}

/** Measures of a model, by name. */
function measureModel(manifest: SemanticManifest): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of manifest.semantic_models) for (const x of m.measures) out.set(x.name, m.name)
  return out
}

const inputName = (x: unknown) => (typeof x === 'string' ? x : (x as { name?: string } | undefined)?.name)

/** Models whose measures a metric reads, through its inputs. */
function metricModels(manifest: SemanticManifest): Map<string, Set<string>> {
  const owner = measureModel(manifest)
  const byName = new Map(manifest.metrics.map((m) => [m.name, m]))
  const memo = new Map<string, Set<string>>()
  const visit = (name: string, trail: Set<string>): Set<string> => {
    const hit = memo.get(name)
    if (hit) return hit
    const out = new Set<string>()
    const m = byName.get(name)
    if (!m || trail.has(name)) return out
    trail.add(name)
    const tp = m.type_params
    for (const meas of [tp.measure, tp.conversion_type_params?.base_measure, tp.conversion_type_params?.conversion_measure]) {
      const model = owner.get(inputName(meas) ?? '')
      if (model) out.add(model)
    }
    for (const input of [tp.numerator, tp.denominator, ...(tp.metrics ?? [])]) {
      const n = inputName(input)
      if (n) for (const x of visit(n, trail)) out.add(x)
    }
    trail.delete(name)
    memo.set(name, out)
    return out
  }
  for (const m of manifest.metrics) visit(m.name, new Set())
  return memo
}

/**
 * The manifest as `ctx` may see it under `policies`. A policy naming a model
 * the manifest lacks (renamed or deleted since it was stored) denies every
 * model of the layer to the principals it applies to: fail closed.
 */
/**
 * `opts.maskKey`: the secret `hash` masks are keyed with (the tenant's; see Dimension.mask_key).
 * Without one the digest is of the bare value, which anyone can recompute for a guess.
 */
export function restrictManifest(manifest: SemanticManifest, policies: readonly AccessPolicy[], ctx: AccessContext, opts: { maskKey?: string } = {}): RestrictedManifest {
  const models = new Map(manifest.semantic_models.map((m) => [m.name, m]))
  const changes = new Map<string, ModelChanges>()
  const hiddenMetrics = new Set<string>()
  const applied: AppliedPolicy[] = []
  const rowPolicies: string[] = []
  let ownedBy: Map<string, Set<string>> | undefined

  for (const policy of policies) {
    if (!policyApplies(policy, ctx)) continue
    const model = models.get(policy.model)
    if (!model) {
      // The governed model was renamed or removed after the policy was stored:
      // its table may now be read under another name, so nothing is read
      // until an admin updates the policies (fail closed).
      for (const m of manifest.semantic_models) {
        const ch: ModelChanges = changes.get(m.name) ?? { rowFilters: [], hiddenDims: new Set(), hiddenEntities: new Set(), masks: new Map() }
        ch.denied ??= { policy: policy.name, attribute: `(model "${policy.model}" no longer exists)` }
        changes.set(m.name, ch)
      }
      applied.push({ policy: policy.name, model: policy.model, row_filter: false, hidden: [], masked: [], denied: { attribute: '' } })
      continue
    }
    const ch: ModelChanges = changes.get(model.name) ?? { rowFilters: [], hiddenDims: new Set(), hiddenEntities: new Set(), masks: new Map() }
    changes.set(model.name, ch)
    const note: AppliedPolicy = { policy: policy.name, model: model.name, row_filter: false, hidden: [], masked: [] }
    if (policy.row_filter) {
      rowPolicies.push(policy.name)
      const r = resolveRowFilter(policy, model, ctx)
      if ('denied' in r) {
        ch.denied ??= { policy: policy.name, attribute: r.denied.attribute }
        note.denied = r.denied
      } else {
        ch.rowFilters.push(r.filter)
        const pin = pinnedValues(r.filter)
        if (pin) {
          ch.pinned ??= new Map()
          const prev = ch.pinned.get(pin.column)
          ch.pinned.set(pin.column, prev ? new Set([...prev].filter((v) => pin.values.has(v))) : pin.values)
        }
        note.row_filter = true
      }
    }
    const access = policy.member_access
    if (access?.hide) {
      for (const n of access.hide) {
        if (model.dimensions.some((d) => d.name === n)) ch.hiddenDims.add(n)
        else if (model.entities.some((e) => e.name === n)) ch.hiddenEntities.add(n)
        else if (manifest.metrics.some((m) => m.name === n)) hiddenMetrics.add(n)
        else continue
        note.hidden.push(n)
      }
    }
    if (access?.allow) {
      const allow = new Set(access.allow)
      for (const d of model.dimensions) if (!allow.has(d.name)) { ch.hiddenDims.add(d.name); note.hidden.push(d.name) }
      ownedBy ??= metricModels(manifest)
      for (const m of manifest.metrics) {
        if (!allow.has(m.name) && ownedBy.get(m.name)?.has(model.name)) { hiddenMetrics.add(m.name); note.hidden.push(m.name) }
      }
    }
    for (const m of policy.mask ?? []) {
      if (!model.dimensions.some((d) => d.name === m.dimension)) continue
      // Two policies masking one dimension: the stronger method wins (null > hash > partial).
      const prev = ch.masks.get(m.dimension)
      if (!prev || MASK_STRENGTH[m.method] > MASK_STRENGTH[prev]) ch.masks.set(m.dimension, m.method)
      note.masked.push(m.dimension)
    }
    if (note.row_filter || note.denied || note.hidden.length || note.masked.length) applied.push(note)
  }
  denyOtherDoors(manifest, policies, changes)
  if (!changes.size && !hiddenMetrics.size) return { manifest, applied, row_policies: rowPolicies }

  propagateRowFilters(manifest, changes)
  // A hidden simple metric hides its measure too: another metric over the same
  // measure (cumulative, filtered, offset) would show the same numbers.
  const hiddenMeasures = new Set(manifest.metrics.filter((m) => hiddenMetrics.has(m.name) && m.type === 'simple').map((m) => inputName(m.type_params.measure)).filter((n): n is string => !!n))
  const semantic_models = manifest.semantic_models.map((m) => restrictModel(m, changes.get(m.name), opts.maskKey))
    .map((m) => (m.measures.some((x) => hiddenMeasures.has(x.name)) ? { ...m, measures: m.measures.filter((x) => !hiddenMeasures.has(x.name)) } : m))
  let next: SemanticManifest = { ...manifest, semantic_models, metrics: manifest.metrics.filter((m) => !hiddenMetrics.has(m.name)) }
  const anyHidden = hiddenMetrics.size > 0 || [...changes.values()].some((c) => c.hiddenDims.size || c.hiddenEntities.size)
  if (anyHidden) {
    const hiddenNames = [...hiddenMetrics, ...[...changes.values()].flatMap((c) => [...c.hiddenDims, ...c.hiddenEntities])]
    next = dropDependents({ ...next, saved_queries: next.saved_queries.filter((q) => !mentionsAny(q, hiddenNames)) })
  }
  return { manifest: next, applied, row_policies: rowPolicies }
}

const relationKey = (m: SemanticModel) =>
  [m.node_relation.database ?? '', m.node_relation.schema_name ?? '', m.node_relation.alias].join('.').toLowerCase()

/**
 * A second model over a governed model's table (written before the policy
 * existed, or imported later) would read the same rows without the policy:
 * policies govern models, the rows live in tables. So a model no policy
 * names, over a table a policy restricts for this principal, is denied to
 * them until an admin names it in a policy (fail closed, like a policy whose
 * model is gone).
 */
function denyOtherDoors(manifest: SemanticManifest, policies: readonly AccessPolicy[], changes: Map<string, ModelChanges>): void {
  const named = new Set(policies.map((p) => p.model))
  const governed = new Map<string, { model: string; policy: string }>()
  for (const m of manifest.semantic_models) {
    const ch = changes.get(m.name)
    if (!ch || (!ch.rowFilters.length && !ch.denied && !ch.masks.size && !ch.hiddenDims.size && !ch.hiddenEntities.size)) continue
    const policy = ch.rowFilters[0]?.policy ?? ch.denied?.policy ?? policies.find((p) => p.model === m.name)?.name ?? ''
    if (!governed.has(relationKey(m))) governed.set(relationKey(m), { model: m.name, policy })
  }
  if (!governed.size) return
  for (const m of manifest.semantic_models) {
    const g = governed.get(relationKey(m))
    if (!g || named.has(m.name)) continue
    const ch: ModelChanges = changes.get(m.name) ?? { rowFilters: [], hiddenDims: new Set(), hiddenEntities: new Set(), masks: new Map() }
    ch.denied ??= {
      policy: g.policy, attribute: `(model "${m.name}")`,
      reason: `semantic model "${m.name}" reads the same table as "${g.model}", which access policy "${g.policy}" governs, and no policy names it: nothing is read from it until an admin adds one`,
    }
    changes.set(m.name, ch)
  }
}

/**
 * A row filter on a model also governs the models that point into it: a
 * foreign entity whose primary model is filtered reads only rows whose key is
 * among the permitted ones (a NULL or dangling key is not provably permitted,
 * so it is not read). Otherwise orders of another region would still count in
 * totals, with their region merely NULL. Applied transitively, up to the
 * compiler's join depth.
 */
function propagateRowFilters(manifest: SemanticManifest, changes: Map<string, ModelChanges>): void {
  const own = new Map([...changes].filter(([, c]) => c.rowFilters.length || c.denied).map(([n, c]) => [n, { filters: [...c.rowFilters], denied: c.denied }]))
  if (!own.size) return
  const keyOf = new Map<string, { model: SemanticModel; entity: Entity }>()
  for (const m of manifest.semantic_models) {
    for (const e of m.entities) if (e.type !== 'foreign' && !keyOf.has(e.name)) keyOf.set(e.name, { model: m, entity: e })
  }
  let effective = own
  for (let depth = 0; depth < 3; depth++) {
    const next = new Map(own)
    for (const m of manifest.semantic_models) {
      for (const e of m.entities) {
        if (e.type !== 'foreign') continue
        const target = keyOf.get(e.name)
        const t = target && target.model.name !== m.name ? effective.get(target.model.name) : undefined
        if (!t) continue
        const cur = next.get(m.name) ?? { filters: [], denied: undefined }
        const policy = t.filters[0]?.policy ?? t.denied!.policy
        cur.filters = [...cur.filters, { policy, parts: [{
          column: e.name, ...(e.expr !== undefined ? { expr: e.expr } : {}),
          in_relation: { alias: target!.model.node_relation.alias, schema_name: target!.model.node_relation.schema_name, database: target!.model.node_relation.database },
          key: { column: target!.entity.name, ...(target!.entity.expr !== undefined ? { expr: target!.entity.expr } : {}) },
          filters: t.filters,
        }] }]
        cur.denied ??= t.denied
        next.set(m.name, cur)
      }
    }
    effective = next
  }
  for (const [name, v] of effective) {
    const ch: ModelChanges = changes.get(name) ?? { rowFilters: [], hiddenDims: new Set<string>(), hiddenEntities: new Set<string>(), masks: new Map() }
    ch.rowFilters = v.filters
    ch.denied ??= v.denied
    changes.set(name, ch)
  }
}

const MASK_STRENGTH = { partial: 1, hash: 2, null: 3 } as const

function restrictModel(model: SemanticModel, ch: ModelChanges | undefined, maskKey: string | undefined): SemanticModel {
  if (!ch) return model
  const filtered = ch.rowFilters.length > 0 || !!ch.denied
  const node_relation = {
    ...model.node_relation,
    ...(ch.rowFilters.length ? { row_filters: [...(model.node_relation.row_filters ?? []), ...ch.rowFilters] } : {}),
    ...(ch.denied ? { access_denied: ch.denied } : {}),
  }
  const dimensions = model.dimensions.filter((d) => !ch.hiddenDims.has(d.name)).map((d) => {
    const mask = ch.masks.get(d.name)
    if (!mask && !filtered) return d
    // Sample values were read from every row: they would show other principals' values.
    const { sample_values: sv, ...rest } = d
    const pinned = !mask ? ch.pinned?.get(d.name) : undefined
    const kept = pinned && sv ? sv.filter((v) => pinned.has(String(v))) : undefined
    if (mask) return mask === 'hash' && maskKey !== undefined ? { ...rest, mask, mask_key: maskKey } : { ...rest, mask }
    return kept ? { ...rest, sample_values: kept } : rest
  })
  const entities = model.entities.filter((e) => !ch.hiddenEntities.has(e.name))
  return { ...model, node_relation, dimensions, entities }
}

/**
 * A saved query that names a hidden member anywhere (group-by, where, order)
 * is dropped: the catalog would otherwise show the planners its expanded query.
 */
function mentionsAny(q: SavedQuery, names: string[]): boolean {
  const text = JSON.stringify(q.query_params)
  return names.some((n) => new RegExp(`(^|[^A-Za-z0-9_])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text)
    || text.includes(`__${n}`))
}

/** Removes metrics and saved queries that no longer resolve once members are hidden (to a fixed point). */
function dropDependents(manifest: SemanticManifest): SemanticManifest {
  let current = manifest
  for (let round = 0; round < 50; round++) {
    const problems = validateManifest(current)
    const badMetrics = new Set<number>()
    const badSaved = new Set<number>()
    for (const p of problems) {
      const m = /^metrics\[(\d+)\]/.exec(p.path)
      if (m) { badMetrics.add(Number(m[1])); continue }
      const s = /^saved_queries\[(\d+)\]/.exec(p.path)
      if (s) badSaved.add(Number(s[1]))
    }
    if (!badMetrics.size && !badSaved.size) return current
    const metrics: Metric[] = current.metrics.filter((_m, i) => !badMetrics.has(i))
    const saved_queries: SavedQuery[] = current.saved_queries.filter((_s, i) => !badSaved.has(i))
    current = { ...current, metrics, saved_queries }
  }
  return current
}
