// The offline planner: deterministic, no LLM, a few milliseconds at most.
// question → segment (time phrases + catalog mentions) → interpret (roles)
// → resolve (concrete names) → merge with the previous turn → SemanticQuery.
import type { Catalog, SemanticQuery, StructuredFilter } from '../../../semantic/types'
import { assertTimeZone, type Clock } from '../../../semantic/time-range'
import { PlanningError, type Plan, type Planner, type PlannerContext, type Turn } from '../planner'
import { getCatalogIndex, suggestNames, suggestValues, type CatalogIndex } from './catalog-index'
import { interpret, type Draft } from './interpret'
import { DATA_CHANGE_WORDS, OPERATION_WORDS } from './lexicon'
import { draftMetricNames, metricsSupport, resolveDraft, type Parts } from './resolve'
import { segment } from './segment'
import { accountForWords } from './ledger'
import { fixTimeTypos } from './time-typos'
import { matchSavedQuery } from './saved-query-rule'

export interface OfflinePlannerOptions {
  /** Unexplained content words tolerated before refusing (each lowers confidence). Default 1. */
  maxUnknownWords?: number
}

const MAX_QUESTION_LENGTH = 2000

export function createOfflinePlanner(options: OfflinePlannerOptions = {}): Planner {
  const maxUnknown = options.maxUnknownWords ?? 1
  return {
    async plan(question: string, catalog: Catalog, history: Turn[], ctx: PlannerContext, signal: AbortSignal): Promise<Plan> {
      signal?.throwIfAborted()
      const plan = planOffline(question, catalog, history, ctx, maxUnknown)
      if (ctx.validate) {
        try {
          await ctx.validate(plan)
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err)
          throw new PlanningError('question_not_understood', `The question was understood but the plan is not valid: ${message}`, [{ issue: message }])
        }
      }
      return plan
    },
  }
}

/** Synchronous core, exported for benchmarks and tests. */
export function planOffline(question: string, catalog: Catalog, history: Turn[], ctx: Pick<PlannerContext, 'timezone' | 'now'>, maxUnknown = 1): Extract<Plan, { kind: 'semantic' }> {
  const text = (question ?? '').trim()
  if (!text) throw new PlanningError('question_not_understood', 'The question is empty', [{ path: 'question', issue: 'empty question' }])
  if (text.length > MAX_QUESTION_LENGTH) {
    throw new PlanningError('question_not_understood', `The question is too long (${text.length} characters, at most ${MAX_QUESTION_LENGTH})`, [{ path: 'question', issue: 'too long' }])
  }
  const timezone = ctx.timezone || 'UTC'
  try {
    assertTimeZone(timezone)
  } catch (err) {
    throw new PlanningError('question_not_understood', (err as Error).message, [{ path: 'timezone', issue: (err as Error).message }])
  }
  const clock: Clock = { now: ctx.now ?? new Date(), timezone }
  const saved = matchSavedQuery(text, catalog)
  if (saved) return { kind: 'semantic', query: saved.query, confidence: saved.confidence, reasons: [saved.reason], planner: 'offline' }
  const idx = getCatalogIndex(catalog)
  const timeTypos = fixTimeTypos(text, idx)
  const { items } = segment(timeTypos.text, idx, clock)
  const draft = interpret(items)
  accountForWords(draft)
  for (const f of timeTypos.fixes) draft.notes.unshift(`read "${f.from}" as "${f.to}"`)

  const previous = lastSemanticQuery(history)
  let ownMetrics = draftMetricNames(draft)
  if (ownMetrics.length === 0 && previous === undefined && draft.impliedMetrics.length) {
    // "non-instant bookings", "how many corporate customers": the filter's noun is the metric
    draft.metrics.push(draft.impliedMetrics[0])
    ownMetrics = draftMetricNames(draft)
  }
  const followUp = previous !== undefined && isFollowUp(draft, ownMetrics)
  if (draft.bareNumber) {
    // "show me 10" re-limits a ranked answer; anywhere else the number explains nothing
    if (followUp && previous && (previous.limit !== undefined || previous.order_by?.length)) draft.limit = draft.bareNumber.n
    else draft.unknown.push({ text: draft.bareNumber.text })
  }

  refuseUnknownWords(draft, idx, maxUnknown, ownMetrics.length === 0 && !followUp)

  let metrics = ownMetrics
  if (followUp) {
    if (ownMetrics.length === 0) metrics = [...previous!.metrics]
    else if (draft.cue.add && !draft.cue.instead) metrics = unique([...previous!.metrics, ...ownMetrics])
  }
  if (metrics.length === 0) {
    const words = draft.unknown.map((u) => u.text.toLowerCase())
    const suggestions = suggestNames(idx, words).filter((n) => idx.metrics.has(n))
    throw new PlanningError('question_not_understood', 'No metric found in the question', [{
      issue: words.length ? `no metric matches ${words.map((w) => `"${w}"`).join(', ')}` : 'the question names no metric',
      suggestions: suggestions.length ? suggestions : catalog.metrics.slice(0, 5).map((m) => m.name),
    }])
  }

  const res = resolveDraft(draft, metrics, idx)
  if (res.problems.length) {
    throw new PlanningError('question_not_understood', res.problems[0].issue, res.problems)
  }
  const reasons = [...res.reasons]
  let query: SemanticQuery
  let confidence = res.quality
  if (followUp) {
    query = mergeFollowUp(previous!, res.parts, draft, idx)
    reasons.unshift('follow-up: changes the previous question')
    confidence *= 0.95
    const unsupported = (query.group_by ?? []).map(String).filter((g) => !metricsSupport(idx, query.metrics, g))
    if (unsupported.length) {
      throw new PlanningError('question_not_understood', `${query.metrics.join(', ')} cannot be grouped by ${unsupported.join(', ')}`, unsupported.map((g) => ({ issue: `cannot group by ${g}` })))
    }
  } else {
    query = fresh(res.parts)
    // "the largest order amount", "biggest sales": a ranking with nothing to rank
    // (no grouping) used its word for nothing; the word is not accounted for
    if (draft.rank && !query.group_by?.length && query.order_by?.length) {
      draft.unknown.push({ text: draft.rank.word })
      delete query.order_by
      delete query.limit
    }
  }
  for (const u of draft.unknown) reasons.push(`ignored "${u.text}"`)
  confidence *= Math.pow(0.6, draft.unknown.length)
  return { kind: 'semantic', query, confidence: round(confidence), reasons: [...reasons, ...draft.notes.filter((n) => !reasons.includes(n))], planner: 'offline' }
}

function fresh(p: Parts): SemanticQuery {
  const q: SemanticQuery = { metrics: p.metrics }
  const group = [...p.groups, ...p.timeGroups]
  if (group.length) q.group_by = group
  if (p.filters.length) q.filters = p.filters
  if (p.time) q.time_constraint = { ...p.time }
  const order = p.order ?? (p.rankDir ? [`${p.rankDir === 'desc' ? '-' : ''}${p.metrics[0]}`] : undefined)
  if (order?.length) q.order_by = order
  if (p.limit !== undefined) q.limit = p.limit
  return q
}

function lastSemanticQuery(history: Turn[]): SemanticQuery | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const plan = history[i]?.plan
    if (plan?.kind === 'semantic') return plan.query
  }
  return undefined
}

/** A question without a metric, or one that opens with "and", "what about", "only"... builds on the last answer. */
function isFollowUp(draft: Draft, ownMetrics: string[]): boolean {
  if (ownMetrics.length === 0) return true
  const c = draft.cue
  return c.add || c.replace || c.instead || c.remove || c.sort
}

function mergeFollowUp(prev: SemanticQuery, p: Parts, draft: Draft, idx: CatalogIndex): SemanticQuery {
  const q: SemanticQuery = structuredClone(prev)
  const add = draft.cue.add && !draft.cue.instead
  const oldFirst = prev.metrics[0]
  q.metrics = p.metrics

  // groupings: "and by region" adds; "by category" / "by category instead" replaces
  const prevGroups = (prev.group_by ?? []).map(groupName)
  const isTime = (g: string) => idx.dimensions.get(baseName(g))?.type === 'time'
  let cat = prevGroups.filter((g) => !isTime(g))
  let time = prevGroups.filter(isTime)
  if (p.groups.length) cat = add ? unique([...cat, ...p.groups]) : p.groups
  if (p.timeGroups.length) time = add && !draft.grains.length ? unique([...time, ...p.timeGroups]) : p.timeGroups
  const removed = new Set(p.removed)
  cat = cat.filter((g) => !removed.has(g))
  time = time.filter((g) => !removed.has(baseName(g)))
  const group = [...cat, ...time]
  if (group.length) q.group_by = group
  else delete q.group_by

  // filters: a new filter on a field replaces the old one, unless it adds ("and Toys")
  let filters: StructuredFilter[] = (prev.filters ?? []).filter((f) => !removed.has(f.field) && !p.unfiltered.includes(f.field))
  for (const f of p.filters) {
    // "remove Florida" after "in Texas and Florida": drop the value from the list instead of excluding it
    const i0 = filters.findIndex((x) => x.field === f.field && (x.op === '=' || x.op === 'in'))
    if (i0 >= 0 && (f.op === '!=' || f.op === 'not_in') && !draft.cue.add) {
      const drop = new Set((Array.isArray(f.value) ? f.value : [f.value]).map(String))
      const had = Array.isArray(filters[i0].value) ? filters[i0].value as Array<string | number | boolean> : [filters[i0].value as string | number | boolean]
      const left = had.filter((v) => !drop.has(String(v)))
      if (left.length < had.length) {
        if (left.length === 0) filters.splice(i0, 1)
        else filters[i0] = left.length === 1 ? { field: f.field, op: '=', value: left[0] } : { field: f.field, op: 'in', value: left }
        continue
      }
    }
    const i = filters.findIndex((x) => x.field === f.field && sameKind(x, f))
    if (i < 0) filters.push(f)
    else if (add && (f.op === '=' || f.op === 'in') && (filters[i].op === '=' || filters[i].op === 'in')) filters[i] = unionFilter(filters[i], f)
    else filters[i] = f
  }
  // metric comparisons on metrics that are gone no longer apply
  filters = filters.filter((f) => !idx.metrics.has(f.field) || q.metrics.includes(f.field))
  if (filters.length) q.filters = filters
  else delete q.filters

  if (p.time === null) delete q.time_constraint
  else if (p.time) q.time_constraint = { ...p.time }

  // order: a new ranking replaces; a replaced metric carries its place in the order
  let order = prev.order_by ? [...prev.order_by] : undefined
  if (p.order) order = p.order
  else if (p.rankDir) {
    const target = order?.find((o) => q.metrics.includes(o.replace(/^-/, '')))?.replace(/^-/, '') ?? q.metrics[0]
    order = [`${p.rankDir === 'desc' ? '-' : ''}${target}`]
  }
  if (order && oldFirst && !q.metrics.includes(oldFirst)) {
    order = order.map((o) => (o.replace(/^-/, '') === oldFirst ? o.replace(oldFirst, q.metrics[0]) : o))
  }
  const names = new Set([...q.metrics, ...group])
  order = order?.filter((o) => names.has(o.replace(/^-/, '')))
  if (order?.length) q.order_by = order
  else delete q.order_by
  if (p.limit !== undefined) q.limit = p.limit
  if (removed.size && q.limit !== undefined && !q.group_by) delete q.limit
  return q
}

function sameKind(a: StructuredFilter, b: StructuredFilter): boolean {
  const eq = (f: StructuredFilter) => f.op === '=' || f.op === 'in' || f.op === '!=' || f.op === 'not_in'
  return eq(a) === eq(b)
}

function unionFilter(a: StructuredFilter, b: StructuredFilter): StructuredFilter {
  const vals = (f: StructuredFilter) => (Array.isArray(f.value) ? f.value : [f.value as string | number | boolean])
  const all = unique([...vals(a), ...vals(b)])
  return all.length === 1 ? { field: a.field, op: '=', value: all[0] } : { field: a.field, op: 'in', value: all }
}

function refuseUnknownWords(draft: Draft, idx: CatalogIndex, maxUnknown: number, noMetric: boolean): void {
  if (draft.unknown.length === 0 || noMetric) return
  // "percentage of", "growth in": dropping these would answer another question
  const pinned = draft.unknown.filter((u) => (u.afterMarker !== undefined && !/^\d/.test(u.text)) || OPERATION_WORDS.has(u.text.toLowerCase()) || DATA_CHANGE_WORDS.has(u.text.toLowerCase()))
  if (pinned.length === 0 && draft.unknown.length <= maxUnknown) return
  const words = (pinned.length ? pinned : draft.unknown).map((u) => u.text.toLowerCase())
  const details = (pinned.length ? pinned : draft.unknown).map((u) => {
    const w = u.text.toLowerCase()
    const suggestions = [...suggestValues(idx, [w], 3), ...suggestNames(idx, [w], 3)]
    return {
      issue: u.afterMarker === 'compare'
        ? `"${u.text}": no metric or numeric dimension to compare`
        : DATA_CHANGE_WORDS.has(w)
        ? `"${u.text}": questions can only read data`
        : OPERATION_WORDS.has(w)
        ? `"${u.text}" asks for a calculation the offline planner cannot express; ask for the metric itself or name a metric that computes it`
        : u.afterMarker ? `"${u.afterMarker} ${u.text}": no dimension or value named "${u.text}"` : `"${u.text}" does not match any metric, dimension or value`,
      ...(suggestions.length ? { suggestions } : {}),
    }
  })
  throw new PlanningError('question_not_understood', `Could not understand ${words.map((w) => `"${w}"`).join(', ')}`, details)
}

const groupName = (g: NonNullable<SemanticQuery['group_by']>[number]) => (typeof g === 'string' ? g : g.grain ? `${g.name}__${g.grain}` : g.name)
function baseName(g: string): string {
  const cut = g.lastIndexOf('__')
  const tail = g.slice(cut + 2)
  return cut > 0 && ['day', 'week', 'month', 'quarter', 'year', 'hour', 'minute', 'second'].includes(tail) ? g.slice(0, cut) : g
}
function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)]
}
function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) / 100
}
