// The offline planner: deterministic, no LLM, a few milliseconds at most.
// question → segment (time phrases + catalog mentions) → interpret (roles)
// → resolve (concrete names) → merge with the previous turn → SemanticQuery.
import type { Catalog, SemanticQuery, StructuredFilter } from '../../../semantic/types'
import { assertTimeZone, type Clock } from '../time/civil-date'
import { PlanningError, type Plan, type Planner, type PlannerContext, type Turn } from '../planner'
import { getCatalogIndex, suggestNames, suggestValues, type CatalogIndex } from './catalog-index'
import { interpret, type Draft } from './interpret'
import { CONJUNCTIONS, DATA_CHANGE_WORDS, OPERATION_WORDS } from './lexicon'
import { draftMetricNames, metricsSupport, resolveDraft, type Parts } from './resolve'
import { segment } from './segment'
import { accountForWords } from './ledger'
import { fixTimeTypos } from './time-typos'
import { expandShorthand, nameStems, tokenize, type Token } from './normalize'
import { matchSavedQuery } from './saved-query-rule'
import { adjacentGroupings, planShapeDoubts } from './plan-shape'
import { isDescriptionLeadName } from './description-lead-names'
import { guessedBareGrouping, legendWordGrouping, valueNounGrouping } from './guessed-groupings'
import { countOrAmount } from './count-or-amount'
import { passedOverDistinction } from './passed-over-words'
import { grammarWordValue } from './grammar-word-values'
import { sharedNameReadings } from './shared-name-readings'
import { metricTie } from './metric-ties'
import { thresholdSubjectDoubt } from './threshold-subject'
import { joinPathReadings, sharedPathDetour } from './join-path-ties'
import { nameTailSiblings } from './name-tail-siblings'
import { negatedMetricDoubt } from './negated-metric-word'
import { stateInPeriodDoubt } from './state-in-period'
import { flagOrValueReadings } from './flag-or-value'
import { qualifiedMetricReadings } from './qualified-metric-names'
import { headNounGroupReadings } from './head-noun-groupings'
import { byValueReadings } from './by-value-word'
import { joinHyphenatedNames } from './hyphen-joins'
import { distributeSharedHead } from './shared-head-coordination'
import { countWordOnAmount } from './count-word-on-amount'
import { accountForNewWord } from './creation-count-words'
import { mergeOwnerGroupings } from './owner-groupings'
import { findAnalystPhrase } from './analyst-phrases'
import { alternativeReadings, loadedValueFilters, perEntityDoubt, perEntityReadings } from './alternatives'
import { STRICT_AGG_WORDS, aggregationFits, extractIdFilters, metricAggregation, rewriteAggregationWords, rewriteBooleanVersus } from './word-readings'
import type { Item } from './segment'
import { readsAsTimeUnit } from './described-name-words'
import { causeOrForecast } from './cause-or-forecast'
import { rewriteRepeatedBy } from './repeated-by-groupings'
import { moveOnAverage } from './on-average'
import { rewriteExclusions } from './negation-phrases'
import { ownerAfterFor } from './owner-after-for'
import { articleNounMetrics } from './article-nouns'
import { genericMeasureReadings } from './generic-measure-words'
import { countedThingForAmount, measureOfCountedThing, moneyThresholdOnCount } from './measure-of-counted-thing'
import { thresholdOnText } from './threshold-on-text'
import { droppedParticiple } from './dropped-participle'
import { withArticleNoun } from './with-article-noun'
import { excludedRanking } from './excluded-ranking'
import { excludedPeriod } from './excluded-period'
import { danglingNegation } from './dangling-negation'
import { recencyWithoutPeriod } from './recency-words'
import { qualitySuperlative } from './quality-superlative'
import { periodAverage } from './period-average'
import { agentBy } from './agent-by'
import { futurePeriod } from './future-period'
import { countedEntityDoubt } from './counted-entity'
import { yearAsBoundDoubt } from './year-as-bound'
import { stateBeforeAmountPlural } from './state-before-amount-plural'
import { averageOfPlural } from './average-of-plural'
import { stateAdjective } from './state-adjective'
import { averageOfAverages } from './average-of-averages'
import { countAskedMoneyPlanned } from './count-asked-money-planned'
import { dropWholeLegendFilter } from './whole-legend-versus'
import { datingVerbValueReadings, undatedVerbValueDoubt } from './dating-verb-values'
import { participleTypoDoubt } from './participle-typo'
import { superlativeInPlace } from './superlative-in-place'
import { perMetricScopes } from './per-metric-scopes'
import { slashRatio } from './slash-ratio'
import { nameNumberDoubt } from './name-number'
import { twoRankings } from './two-rankings'
import { foreignCurrency } from './foreign-currency'

export interface OfflinePlannerOptions {
  /** Unexplained content words tolerated before refusing (each lowers confidence). Default 1. */
  maxUnknownWords?: number
}

const MAX_QUESTION_LENGTH = 2000
/** Confidence of a plan with a second plausible reading: below every sensible threshold. */
const AMBIGUOUS_CONFIDENCE = 0.55
/** A rewritten reading offered in a clarification must itself be sure (the service's default threshold). */
const SURE = 0.75
/** A word several metric names share, where the rest of the question fits one of them only: a pick by elimination, offered to confirm (below the threshold), not answered. */
const SHARED_PICKED_CONFIDENCE = 0.7

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
export function planOffline(question: string, catalog: Catalog, history: Turn[], ctx: Pick<PlannerContext, 'timezone' | 'now'>, maxUnknown = 1, analystPhrases = true): Extract<Plan, { kind: 'semantic' }> {
  // "sales, location by location": the repeated noun is one grouping, not a metric and a grouping
  const repeatedBy = rewriteRepeatedBy(expandShorthand((question ?? '').trim()))
  // "lead time on average": the average of what comes before, as "average lead time"
  const onAverage = moveOnAverage(repeatedBy.text)
  // "lunch excluded", "not counting contractors": the exclusion said as "excluding X"
  const exclusions = rewriteExclusions(onAverage.text)
  const text = exclusions.text
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
  // "why did X go up", "what will X be next month": a table of what happened answers neither
  const unanswerable = causeOrForecast(text, idx)
  if (unanswerable) throw unanswerable
  // "sales excluding the top customer": the ranked rows left out of a total, which no plan shape says
  const excludedRank = excludedRanking(text, idx)
  if (excludedRank) throw excludedRank
  const analyst = analystPhrases ? findAnalystPhrase(text) : undefined
  if (analyst && analyst.rest !== text && !namesUseWords(idx, analyst.reason, text)) {
    // "this year vs last year", "share by region": plan the rest, then add the comparison
    const inner = planOffline(analyst.rest, catalog, history, ctx, maxUnknown)
    // ...unless the layer has a metric for the phrase itself ("bookings_yoy" for
    // "bookings year over year"): a confident plan of the whole question that
    // uses another metric than the rest's plan is the layer's own answer
    let whole: Extract<Plan, { kind: 'semantic' }> | undefined
    try { whole = planOffline(text, catalog, history, ctx, maxUnknown, false) } catch { whole = undefined }
    if (whole && whole.confidence >= 0.75 && !whole.reasons.some((r) => r.startsWith('ignored ')) && whole.query.metrics.some((m) => !inner.query.metrics.includes(m))) return whole
    const query = analyst.apply(inner.query)
    const reasons = [analyst.reason, ...inner.reasons]
    if (query.share_of_total) refuseShareOfNonAdditive(query.metrics, idx)
    const today = localDate(clock)
    if (query.compare && query.time_constraint?.end && query.time_constraint.end.slice(0, 10) > today && (query.time_constraint.start ?? '') <= today) {
      // "this quarter vs last quarter" mid-quarter: the days so far against the same days
      // of the quarter before, not a part of a period against a whole one
      query.time_constraint = { ...query.time_constraint, end: today }
      reasons.push(`the current period is cut at today (${today}) so both periods are equally long`)
    }
    return { ...inner, query, reasons }
  }
  // "check-ins" over a `checkins` metric: one word of the layer written with a hyphen
  const hyphens = joinHyphenatedNames(text, idx)
  // "dq30 and dq90 rates": the head noun after two joined modifiers is each one's
  const shared = distributeSharedHead(hyphens.text, idx)
  const ids = extractIdFilters(shared.text, idx)
  const agg = rewriteAggregationWords(ids.text, idx)
  const versus = rewriteBooleanVersus(agg.text, idx)
  const working = versus.text
  const timeTypos = fixTimeTypos(working, idx)
  const { items } = segment(timeTypos.text, idx, clock)
  // "net sales excluding december": a period left out, which a time range cannot say
  const period = excludedPeriod(items)
  if (period) throw period
  const draft = interpret(items)
  accountForWords(draft, idx)
  for (const f of timeTypos.fixes) draft.notes.unshift(`read "${f.from}" as "${f.to}"`)
  for (const n of [agg.note, versus.note, ...ids.notes]) if (n) draft.notes.unshift(n)
  for (const h of hyphens.joined) draft.notes.push(`read "${h}" as one word`)
  for (const r of repeatedBy.rewritten) draft.notes.push(`read "${r}" as one grouping`)
  if (onAverage.moved) draft.notes.push(`read "${onAverage.moved}" as the average of it`)
  for (const r of exclusions.rewritten) draft.notes.push(`read "${r}" as an exclusion`)
  // "country by country, for merchants": the merchants' country, not a count of merchants beside it
  const owner = ownerAfterFor(draft, items)
  if (owner) draft.notes.push(owner)
  // "average days to fill a requisition": the requisition the average speaks of, not a count of requisitions
  const article = articleNounMetrics(draft, items)
  if (article) draft.notes.push(article)

  const previous = lastSemanticQuery(history)
  let ownMetrics = draftMetricNames(draft)
  if (ownMetrics.length === 0 && previous === undefined && draft.impliedMetrics.length) {
    // "non-instant bookings", "how many corporate customers": the filter's noun is the metric
    draft.metrics.push(draft.impliedMetrics[0])
    ownMetrics = draftMetricNames(draft)
  }
  let countedDoubt: string | undefined
  if (ownMetrics.length === 0 && previous === undefined) {
    // "api calls last week", "exports by tier": a value written as a plural noun counts its entity's events
    const counted = countedValueMetric(draft, idx)
    if (counted) {
      draft.metrics.push(counted.metric)
      draft.notes.push(counted.note)
      countedDoubt = counted.doubt
      ownMetrics = draftMetricNames(draft)
    }
  }
  if (ownMetrics.length === 0 && previous === undefined) {
    // "no-shows last month", "paid amount by clinic": the words are a value and a metric's name; with
    // no other metric in the question the value has nothing to filter, so they name the metric
    const v = draft.values.find((x) => x.metricHits?.length && !x.negate)
    if (v) {
      draft.values = draft.values.filter((x) => x !== v)
      draft.metrics.push({ text: v.text, at: v.at, hits: v.metricHits! })
      ownMetrics = draftMetricNames(draft)
    }
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
  if (metrics.length === 0 && !followUp) {
    // "premium by month" next to written and earned premium: ask which, rather than refuse or guess
    const shared = sharedNameReadings(text, draft.unknown.map((u) => u.text.toLowerCase()), idx, (t) => {
      try {
        const p = planOffline(t, catalog, history, ctx, maxUnknown, analystPhrases)
        return p.confidence >= SURE && !p.reasons.some((r) => r.startsWith('ignored ')) ? p.query : undefined
      } catch { return undefined }
    })
    if (shared?.readings.length === 1) {
      const [only] = shared.readings
      return {
        kind: 'semantic', query: only.query, confidence: SHARED_PICKED_CONFIDENCE, planner: 'offline',
        reasons: [`"${shared.word}" is part of several metric names; only ${only.metric} fits the rest of the question`],
      }
    }
    if (shared) {
      const [first, ...rest] = shared.readings
      return {
        kind: 'semantic', query: first.query, confidence: AMBIGUOUS_CONFIDENCE, planner: 'offline',
        reasons: [`"${shared.word}" is part of the names of ${shared.readings.map((r) => r.metric).join(', ')}, and nothing in the question picks one`],
        alternatives: rest.map((r) => ({ query: r.query, why: `metric ${r.metric} instead of ${first.metric}` })),
      }
    }
  }
  if (metrics.length === 0 && !followUp) {
    // "rate by clinic", "count by department": a kind of measure, not a metric; ask which of the metrics so measured
    const generic = genericMeasureReadings(text, draft.unknown.map((u) => u.text), idx, (t) => {
      try {
        const p = planOffline(t, catalog, history, ctx, maxUnknown, analystPhrases)
        return p.confidence >= SURE && !p.reasons.some((r) => r.startsWith('ignored ')) ? p.query : undefined
      } catch { return undefined }
    })
    if (generic) {
      const [first, ...rest] = generic.readings
      return {
        kind: 'semantic', query: first.query, confidence: AMBIGUOUS_CONFIDENCE, planner: 'offline',
        reasons: [`"${generic.word}" says how a number is measured, not which: ${generic.readings.map((r) => r.metric).join(', ')} fit it`],
        alternatives: rest.map((r) => ({ query: r.query, why: `metric ${r.metric} instead of ${first.metric}` })),
      }
    }
  }
  if (metrics.length === 0) {
    const words = draft.unknown.map((u) => u.text.toLowerCase())
    const suggestions = suggestNames(idx, words).filter((n) => idx.metrics.has(n))
    throw new PlanningError('question_not_understood', 'No metric found in the question', [{
      issue: words.length ? `no metric matches ${words.map((w) => `"${w}"`).join(', ')}` : 'the question names no metric',
      suggestions: suggestions.length ? suggestions : catalog.metrics.slice(0, 5).map((m) => m.name),
    }])
  }

  refuseMismatchedAggregation(draft, items, idx)
  // "by payment method": the payment's method, one grouping, not a breakdown by payment and by method
  if (!followUp) draft.notes.push(...mergeOwnerGroupings(draft, (d) => metricsSupport(idx, metrics, d)))
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
  if (ids.filters.length) {
    // the identifier's entity word was read as a grouping ("store" → group by store): it names the filter instead
    const keyed = new Set(ids.filters.map((f) => f.field))
    // "store 5 vs store 6", "customers 12 and 13": several ids of one entity are one list (two "="
    // filters would ask for rows that are both), and compared ids are a breakdown by the entity
    const merged: StructuredFilter[] = [...keyed].map((field) => {
      const values = unique(ids.filters.filter((f) => f.field === field).map((f) => f.value))
      return values.length === 1 ? { field, op: '=', value: values[0] } : { field, op: 'in', value: values }
    })
    query.filters = [...(query.filters ?? []).filter((f) => !keyed.has(f.field)), ...merged]
    if (query.group_by) {
      query.group_by = query.group_by.filter((g) => !keyed.has(typeof g === 'string' ? g : g.name))
      if (query.group_by.length === 0) { delete query.group_by; delete query.order_by; delete query.limit }
    }
    const compared = merged.filter((f) => f.op === 'in')
    if (compared.length && /\b(?:vs\.?|versus|compared?\s+(?:to|with)|against)\b/i.test(text)) {
      query.group_by = [...(query.group_by ?? []), ...compared.map((f) => f.field)]
      reasons.push(`${compared.map((f) => f.field).join(', ')}: compared identifiers → group by it`)
    }
  }
  // "fixed vs variable" where the legend lists only those two codes: a breakdown, not a filter on everything
  const whole = dropWholeLegendFilter(query, idx)
  if (whole) reasons.push(whole)
  // "new members" over a count by the day members joined: the metric already counts the new ones
  const newWord = followUp ? undefined : accountForNewWord(draft, query.metrics, idx)
  if (newWord) reasons.push(newWord)
  for (const u of draft.unknown) reasons.push(`ignored "${u.text}"`)
  confidence *= Math.pow(0.6, draft.unknown.length)
  // "refunds" over refund_count and refund_volume: a count phrase or a description decides,
  // else every metric of the family is a reading
  const tie = followUp ? undefined : metricTie(draft, query, idx, working)
  if (tie) {
    query = tie.query
    reasons.push(...tie.reasons)
  }
  // a value word that can also name a metric or a time dimension: two readings, ask which
  const alternatives = followUp ? [] : alternativeReadings(query, idx, working)
  if (tie) alternatives.push(...tie.readings)
  // a column reached by two join paths of the same length ("cash collected by club": the member's home
  // club or the club that sold the membership), and a metric named by the tail of its name while another
  // metric's name holds the same words ("sessions": pt_sessions or sessions_held): each is a reading
  if (!followUp) alternatives.push(...joinPathReadings(query, idx), ...nameTailSiblings(draft, query, idx), ...flagOrValueReadings(query, idx, working))
  // "active subscribers" as status = active, where `actv_subs_cnt` is the layer's own name for them: two readings
  if (!followUp) alternatives.push(...qualifiedMetricReadings(query, idx, working))
  // "enrollments by level" over the student's and the course's level; "by year" over a class year column
  if (!followUp) alternatives.push(...headNounGroupReadings(draft, query, idx, text))
  // "sections by professor": a singular value word after "by" may name the grouping, not a filter
  if (!followUp) alternatives.push(...byValueReadings(draft, query, idx, working))
  // "applications submitted last month": a status code that is also the verb the metric's date says
  if (!followUp) alternatives.push(...datingVerbValueReadings(draft, query, idx))
  for (const a of followUp ? [] : res.groupAlternatives) {
    const group_by = (query.group_by ?? []).map((g) => (g === a.group ? a.other : g))
    if (group_by.includes(a.other)) alternatives.push({ query: { ...query, group_by }, why: `group by ${a.other} instead of ${a.group}` })
  }
  for (const a of followUp ? [] : res.valueAlternatives) {
    const op = (query.filters ?? []).find((f) => f.field === a.field && (f.op === '=' || f.op === '!=') && f.value === a.value)?.op ?? '='
    const filters = (query.filters ?? []).map((f) => (f.field === a.field && f.op === op && f.value === a.value ? { ...f, field: a.other.field, value: a.other.value } : f))
    if (filters.some((f) => f.field === a.other.field)) alternatives.push({ query: { ...query, filters }, why: `${a.other.field} ${op} ${String(a.other.value)} instead of ${a.field} ${op} ${String(a.value)}` })
  }
  // "freight cost per shipment": a list by shipment, or the layer's average freight cost? (a ranked
  // "top 10 ... per guest" or an average already per entity is a list; without an average metric too)
  const perEntity = followUp || query.limit !== undefined ? undefined : perEntityReadings(query, idx, working)
  if (perEntity?.length) alternatives.push(...perEntity)
  else if (!followUp && query.limit === undefined) {
    // "sales per order", "tickets per agent" with no average metric to offer: a list by the
    // entity's identifiers is one reading, an average per entity (which the layer lacks) the other
    const doubt = perEntityDoubt(query, idx, working)
    if (doubt) {
      confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
      reasons.push(doubt)
    }
  }
  if (alternatives.length) {
    confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
    for (const a of alternatives) reasons.push(`another reading: ${a.why}`)
  }
  // "lost shipments rate" read as `late_shipment_rate` where status = lost: the metric was named by the
  // tail of its name, and a value word stands where the left-out words ("late") would be. The value
  // may be meant in their place (a rate of lost shipments the layer does not have): not confident.
  for (const m of followUp ? [] : draft.metrics) {
    if (m.hits[0]?.source !== 'name tail') continue
    const before = draft.values.find((v) => v.at === m.at - 1 && !v.negate)
    if (!before) continue
    confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
    reasons.push(`"${m.text}" names ${m.hits[0].target.name} without its first words, and "${before.text}" stands in their place`)
  }
  // "sales to new york customers": two metrics with no list word between them; the second
  // metric word more likely describes something (customers in New York) than asks for a second number
  for (const doubt of followUp ? [] : [agg.partial, unlistedPeriods(items, query), averagePer(text, query), unlistedMetric(draft, items, query), unlistedValues(draft, items, query), droppedAggregation(draft, working, query), droppedQualifier(draft, working, query, idx), countedDoubt, thresholdSubjectDoubt(query, idx, working), negatedMetricDoubt(draft, text), stateInPeriodDoubt(query, idx, localDate(clock)), followUp ? undefined : undatedVerbValueDoubt(draft, query, idx), participleTypoDoubt(items, query), sharedPathDetour(query, idx), countOrAmount(draft.metrics, working, query, idx), measureOfCountedThing(draft.metrics, working, query, idx), thresholdOnText(query, idx), droppedParticiple(draft, items, query, idx), withArticleNoun(draft, items, query), moneyThresholdOnCount(query, working, idx), countedThingForAmount(draft.metrics, working, query, idx), danglingNegation(working, query, idx), recencyWithoutPeriod(text, query), qualitySuperlative(draft.metrics, text, query, idx), periodAverage(text, query, idx), agentBy(text, query, idx), futurePeriod(text, query, idx, clock), averageOfPlural(text, query, idx), stateAdjective(draft.metrics, text, query, idx), averageOfAverages(text, query, idx), countAskedMoneyPlanned(text, query, idx), countWordOnAmount(text, query), superlativeInPlace(text, query), countedEntityDoubt(text, query), yearAsBoundDoubt(text, query, clock.now), stateBeforeAmountPlural(draft, query), perMetricScopes(draft, items), slashRatio(text, draft, items), nameNumberDoubt(draft, idx), twoRankings(text, query), foreignCurrency(text, query, idx)]) {
    if (!doubt) continue
    confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
    reasons.push(doubt)
  }
  // calibration, however exact the names were: a plan whose shape nobody asks for (two time axes,
  // a breakdown pinned to one value, two groupings side by side), a passed-over word that tells the
  // plan's name from a sibling's, a value filter read from a grammar word with its dimension unnamed
  for (const doubt of followUp ? [] : [...planShapeDoubts(query, idx), adjacentGroupings(draft.groups), guessedBareGrouping(draft.groups, items), legendWordGrouping(draft.groups, query, idx), valueNounGrouping(draft.groups, draft.metrics, query, idx), passedOverDistinction(items, query, idx), grammarWordValue(draft, working)]) {
    if (!doubt) continue
    confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
    reasons.push(doubt)
  }
  const loaded = followUp ? [] : loadedValueFilters(query, working)
  if (loaded.length) {
    confidence = Math.min(confidence, AMBIGUOUS_CONFIDENCE)
    reasons.push(...loaded)
  }
  return {
    kind: 'semantic', query, confidence: round(confidence), reasons: [...reasons, ...draft.notes.filter((n) => !reasons.includes(n))], planner: 'offline',
    ...(alternatives.length ? { alternatives } : {}),
  }
}

/** Words that join metrics into a list ("sales and units", "orders, aov", "sales vs units"). */
const LIST_WORDS = new Set([...CONJUNCTIONS, 'vs', 'versus', 'with', 'along', 'alongside', 'including', 'against', 'than', 'to'])

/**
 * Two metrics of the plan whose words stand apart with no list word between
 * them: a reason to doubt the plan (the second word may qualify a filter or
 * the subject instead), else undefined. "to" counts only between two metrics
 * ("sales to units ratio"); anything else between them must hold a list word.
 */
function unlistedMetric(draft: Draft, items: Item[], query: SemanticQuery): string | undefined {
  if (query.metrics.length < 2) return undefined
  const ms = [...draft.metrics].sort((a, b) => a.at - b.at)
  for (let i = 1; i < ms.length; i++) {
    const between = items.slice(ms[i - 1].at + 1, ms[i].at)
    if (between.length === 0) continue
    const listed = between.some((it) => it.kind === 'word' && LIST_WORDS.has(it.text.toLowerCase()) && (it.text.toLowerCase() !== 'to' || between.length === 1))
    if (!listed) return `"${ms[i - 1].text}" and "${ms[i].text}" are not listed together; "${ms[i].text}" may describe something else`
  }
  return undefined
}

/**
 * "avg days open for reqs on hold" read as status in (open, on_hold): values
 * of one dimension become a list only when the question lists them ("open or
 * on hold", "Texas, Ohio"). Two values far apart with no list word between
 * them are two different things, one of which the plan misreads.
 */
function unlistedValues(draft: Draft, items: Item[], query: SemanticQuery): string | undefined {
  for (const f of query.filters ?? []) {
    if ((f.op !== 'in' && f.op !== 'not_in') || !Array.isArray(f.value)) continue
    const listed = f.value as unknown[]
    const ms = draft.values
      .filter((v) => v.hits.some((h) => h.target.kind === 'value' && h.target.name === f.field && listed.includes(h.target.value)))
      .sort((a, b) => a.at - b.at)
    for (let i = 1; i < ms.length; i++) {
      const between = items.slice(ms[i - 1].at + 1, ms[i].at)
      if (between.length === 0) continue
      if (!between.some((it) => it.kind === 'word' && (LIST_WORDS.has(it.text.toLowerCase()) || NEGATION_LIST_WORDS.has(it.text.toLowerCase())))) {
        return `"${ms[i - 1].text}" and "${ms[i].text}" are not listed together; one of them may mean something else`
      }
    }
  }
  return undefined
}
/** Name words that say how a metric aggregates; a name without them is another number. */
const AGGREGATION_NAME_WORDS = new Set(['avg', 'average', 'mean', 'median', 'max', 'maximum', 'min', 'minimum', 'rate', 'ratio', 'pct', 'percent', 'percentage', 'distinct', 'unique'])

const AGGREGATION_SYNONYMS = [['avg', 'average', 'mean', 'aov'], ['distinct', 'unique', 'different'], ['max', 'maximum', 'highest', 'largest', 'biggest', 'top', 'peak'], ['min', 'minimum', 'lowest', 'smallest'], ['rate', 'ratio', 'pct', 'percent', 'percentage', '%', 'share']]

/**
 * "order value" read as `average_order_value`: the metric was found by its
 * name without the word that says how it aggregates, and the question says
 * nothing of the kind either; the total is as good a reading as the average.
 */
function droppedAggregation(draft: Draft, question: string, query: SemanticQuery): string | undefined {
  const said = new Set(question.toLowerCase().split(/[^a-z0-9%]+/))
  if (said.has('%')) said.add('pct')
  // the same aggregation in other words
  for (const group of AGGREGATION_SYNONYMS) if (group.some((w) => said.has(w))) for (const w of group) said.add(w)
  for (const m of draft.metrics) {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name) || h.source === 'synonym' || h.source === 'label') continue
    if (isDescriptionLeadName(m.text, h.target.metric.description)) continue
    const mine = new Set(m.text.toLowerCase().split(/[^a-z0-9]+/))
    const dropped = h.target.name.toLowerCase().split(/_+/).filter((w) => AGGREGATION_NAME_WORDS.has(w) && !mine.has(w) && !said.has(w))
      // `dt_min` described as "Downtime in minutes": its "min" is a unit, not a minimum
      .filter((w) => !readsAsTimeUnit(h.target.kind === 'metric' ? h.target.metric.description : undefined, w))
    if (dropped.length) return `"${m.text}" names ${h.target.name} without "${dropped.join(' ')}", and the question does not say it either`
  }
  return undefined
}

/** Words that narrow a count to a state or a kind of its subject (general analytics vocabulary). */
const NARROWING_WORDS = new Set(['new', 'late', 'early', 'active', 'inactive', 'net', 'returning', 'repeat', 'first', 'paid', 'unpaid', 'failed', 'open', 'closed', 'cancelled', 'canceled', 'completed', 'successful', 'lost', 'won', 'churned', 'overdue', 'free', 'trial', 'refunded', 'returned', 'pending', 'resolved', 'unresolved', 'escalated', 'reopened', 'breached', 'billable', 'qualified', 'converted', 'retained', 'recurring', 'accepted', 'declined', 'rejected', 'approved', 'denied', 'delayed', 'missed', 'abandoned', 'internal', 'external', 'domestic', 'international'])

/** Head words of a metric name that do not change what is counted ("total_sales" is the sales). */
const PLAIN_HEAD_WORDS = new Set(['total', 'sum', 'count', 'cnt', 'num', 'number', 'distinct', 'unique', 'all', 'overall', 'gross', 'amount', 'amt', 'value', 'qty', 'quantity'])

/**
 * "accounts by industry" read as `new_accounts`: the metric was found by the
 * tail of its name, and the words left out ("new") narrow what it counts.
 * Nothing in the question asked for that narrowing: not confident.
 */
function droppedQualifier(draft: Draft, question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = new Set(question.toLowerCase().split(/[^a-z0-9]+/).map(stemWord))
  for (const m of draft.metrics) {
    const h = m.hits[0]
    if (!h || h.source !== 'name tail' || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name)) continue
    const dropped = h.target.name.toLowerCase().split(/_+/)
      .filter((w) => w.length > 1 && !PLAIN_HEAD_WORDS.has(w) && !AGGREGATION_NAME_WORDS.has(w) && !said.has(stemWord(w)))
      // a word naming a state or a kind narrows ("new", "late"); the noun of an entity the
      // metric is about does not ("acceptance rate" for offer_acceptance_rate)
      .filter((w) => NARROWING_WORDS.has(w) || !namesEntity(w, idx))
    if (dropped.length) return `"${m.text}" names ${h.target.name} without "${dropped.join(' ')}", which narrows what it counts`
  }
  return undefined
}
/** Whether a word is (or starts with a part of) an entity's name: "offer", "identity" for an `id` entity. */
function namesEntity(w: string, idx: CatalogIndex): boolean {
  for (const d of idx.dimensions.values()) {
    if (d.type !== 'entity') continue
    if ((d.name.split('__').pop() ?? '').split('_').some((p) => p === w || (p.length >= 2 && w.startsWith(p)))) return true
  }
  return false
}
const stemWord = (w: string) => (w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w)

/** Words that put periods side by side or chain them ("2023 vs 2024", "jan to mar"). */
const PERIOD_LINKS = new Set([...LIST_WORDS, 'compared', 'through', 'thru', 'until', 'till', 'vs.'])

/**
 * "sales year to date last year": two periods, nothing saying how they relate.
 * The plan spans both, but the question most likely meant one inside the
 * other (last year's year-to-date); a range built from a guess is not sure.
 */
function unlistedPeriods(items: Item[], query: SemanticQuery): string | undefined {
  if (query.compare) return undefined
  const at = items.map((it, i) => (it.kind === 'time' ? i : -1)).filter((i) => i >= 0)
  for (let k = 1; k < at.length; k++) {
    const between = items.slice(at[k - 1] + 1, at[k])
    if (between.length > 0 && between.some((it) => it.kind === 'word' && PERIOD_LINKS.has(it.text.toLowerCase()))) continue
    return `"${items[at[k - 1]].text}" and "${items[at[k]].text}" are two periods with nothing saying how they relate`
  }
  return undefined
}

const AVERAGE_WORD = /\b(?:avg|average|mean|typical)\b/i
const PER_WORD = /\bper\s+[a-z]+|\ba\s+(?:day|week|month|quarter|year)\b/i
const NAME_FILLER = new Set(['avg', 'average', 'mean', 'amount', 'amt', 'total', 'count', 'cnt', 'num', 'number', 'min', 'mins', 'minutes', 'hours', 'hrs', 'days', 'usd', 'kg', 'years', 'pct', 'of', 'to', 'per'])

/**
 * "avg sales per day", "avg orders per customer": an average per something is
 * a total divided by how many of them there are. A plan that found an average
 * metric by other words (a synonym, a name without its head) and grouped by the
 * "per" word answers a series of averages instead. Only when the question
 * names the average metric in full ("average order value per store") is the
 * "per" a breakdown of it.
 */
function averagePer(question: string, query: SemanticQuery): string | undefined {
  if (!AVERAGE_WORD.test(question) || !PER_WORD.test(question)) return undefined
  const said = new Set(question.toLowerCase().split(/[^a-z0-9]+/).map(stemWord))
  for (const m of query.metrics) {
    const own = m.toLowerCase().split(/_+/).filter((w) => !NAME_FILLER.has(w))
    if (!m.toLowerCase().split(/_+/).some((w) => ['avg', 'average', 'mean'].includes(w))) continue
    if (own.some((w) => !said.has(stemWord(w)))) return `"${PER_WORD.exec(question)![0]}" after an average word may ask for a total per ${PER_WORD.exec(question)![0].split(/\s+/).pop()}, not ${m} by it`
  }
  return undefined
}

/** Words that carry a list of excluded values on ("not Texas nor Ohio", "except Toys, Beauty"). */
const NEGATION_LIST_WORDS = new Set(['nor', 'neither', 'either', 'both', 'but'])

const AGG_NOUNS: Record<string, string> = { max: 'maximum', min: 'minimum', avg: 'average', median: 'median', sum: 'sum', total: 'total' }

/**
 * "max wait minutes" when the layer only has the average wait: the word names
 * an aggregation the metric does not compute. Answering with the average (or
 * ranking by it) would be a confident wrong number, so refuse and name the
 * metric and what it computes.
 */
function refuseMismatchedAggregation(draft: Draft, items: Item[], idx: CatalogIndex): void {
  for (const m of draft.metrics) {
    let j = m.at - 1
    while (j >= 0 && items[j].kind === 'word' && ['the', 'a', 'an', 'of', 'our'].includes(items[j].text.toLowerCase())) j--
    const it = items[j]
    if (!it || it.kind !== 'word') continue
    const word = STRICT_AGG_WORDS[it.text.toLowerCase()]
    if (!word) continue
    const name = m.hits[0].target.name
    const agg = metricAggregation(name, idx)
    if (aggregationFits(word, agg)) continue
    const fitting = [...idx.metrics.keys()].filter((n) => aggregationFits(word, metricAggregation(n, idx)))
    throw new PlanningError('question_not_understood', `"${it.text} ${m.text}": no metric computes the ${AGG_NOUNS[word]} of it (${name} is ${agg === 'additive' ? 'a sum or a count' : agg === 'ratio' ? 'a ratio' : `the ${AGG_NOUNS[agg] ?? agg}`})`, [
      { issue: `"${it.text}" asks for the ${AGG_NOUNS[word]}; ${name} does not compute it`, ...(fitting.length ? { suggestions: fitting.slice(0, 5) } : {}) },
    ])
  }
}

/** Names that say a metric is an average, rate or extreme: its parts do not add up to a total. */
const NON_ADDITIVE_WORDS = new Set(['avg', 'average', 'mean', 'median', 'rate', 'ratio', 'pct', 'percent', 'percentage', 'share', 'max', 'min', 'maximum', 'minimum', 'p50', 'p90', 'p95', 'p99', 'per'])

/** A share of an average or a rate is a number that means nothing: refuse it, naming the metric. */
function refuseShareOfNonAdditive(metrics: string[], idx: CatalogIndex): void {
  for (const m of metrics) {
    const def = idx.metrics.get(m)
    const words = m.toLowerCase().split(/_+/)
    if ((def && def.type !== 'simple') || words.some((w) => NON_ADDITIVE_WORDS.has(w))) {
      throw new PlanningError('question_not_understood', `A share of the total needs a metric that adds up (a sum or a count); ${m} is ${def?.type === 'ratio' ? 'a ratio' : 'an average, rate or extreme'}`, [
        { issue: `share_of_total on ${m}`, suggestions: [...idx.metrics.values()].filter((x) => x.type === 'simple' && !x.name.split(/_+/).some((w) => NON_ADDITIVE_WORDS.has(w))).slice(0, 5).map((x) => x.name) },
      ])
    }
  }
}

/** Today in the tenant's time zone, as YYYY-MM-DD. */
function localDate(clock: Clock): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: clock.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(clock.now)
}

/**
 * "api calls last week" over `event_type = api_call`, "exports by account tier": with no
 * metric named, a value written in the plural while the layer writes it singular is used
 * as a countable noun, so the question counts the rows of the value's entity; the metric
 * is the one the entity's noun names (`usage_events` for `usage_event`), and the value
 * stays as the filter. Only where exactly one metric is named by that noun. A doubt comes
 * with it when a value of another entity stands right next to the plural ("enterprise
 * exports", the tier on the account, the type on the event): the two words are one noun
 * phrase that ties the rows to another entity in a way the question does not spell out
 * (exports by enterprise accounts? on the Enterprise plan? a segment the layer names
 * otherwise?), so counting the plural's rows under both filters is a guess stacked on the
 * guessed metric: asked back with that reading, not answered.
 */
function countedValueMetric(draft: Draft, idx: CatalogIndex): { metric: Draft['metrics'][number]; note: string; doubt?: string } | undefined {
  for (const v of draft.values) {
    // the words also name a metric ("offers", "no-shows"): that metric is the reading, decided below
    if (v.negate || v.metricHits?.length) continue
    const said = tokenize(v.text)
    const last = said[said.length - 1]
    if (!last || last.text === last.stem) continue
    const top = v.hits[0]
    if (top?.target.kind !== 'value') continue
    // "resorts by country" for `is_resort`: a flag's own word in the plural counts the flagged rows too
    const flag = top.target.value === true && nameStems(top.target.name.split('__').pop() ?? '').includes(last.stem)
    if (typeof top.target.value !== 'string' && !flag) continue
    const written = flag ? [] : tokenize(String(top.target.value))
    if (!flag && (written.length === 0 || written[written.length - 1].text !== written[written.length - 1].stem)) continue
    const path = top.target.name.split('__')
    if (path.length < 2) continue
    const noun = nameStems(path[path.length - 2]).join(' ')
    const metrics = [...new Map((idx.terms.get(noun) ?? []).filter((h) => h.target.kind === 'metric').map((h) => [h.target.name, h])).values()]
    if (metrics.length !== 1) continue
    const entity = path[path.length - 2]
    const beside = draft.values.find((x) => x !== v && Math.abs(x.at - v.at) === 1 && entityOfValue(x) !== entity)
    return {
      metric: { text: v.text, at: v.at, hits: [{ ...metrics[0], quality: metrics[0].quality * 0.92 }] },
      note: `"${v.text}" counts ${entity} rows: metric ${metrics[0].target.name} with the value as its filter`,
      ...(beside ? { doubt: `"${beside.at < v.at ? `${beside.text} ${v.text}` : `${v.text} ${beside.text}`}" joins a value of another entity to the counted ${entity} rows; the phrase may mean something the filters do not` } : {}),
    }
  }
  return undefined
}

/** The entity a value mention's best reading hangs on: `course` for `course__level`. */
function entityOfValue(v: Draft['values'][number]): string | undefined {
  const path = v.hits[0]?.target.name.split('__') ?? []
  return path.length >= 2 ? path[path.length - 2] : undefined
}

/** Whether a share/mix word of the phrase is itself part of a metric or dimension name (a `market_share` metric). */
function namesUseWords(idx: CatalogIndex, reason: string, text: string): boolean {
  const phrase = /^"([^"]*)"/.exec(reason)?.[1].toLowerCase() ?? ''
  const words = phrase.split(/[^a-z]+/).filter((w) => ['share', 'mix', 'growth', 'change', 'proportion', 'yoy', 'mom', 'qoq', 'wow', 'percent', 'percentage', 'pct'].includes(w))
  if (words.length === 0) return false
  const names = [...idx.metrics.keys(), ...idx.dimensions.keys()]
  return words.some((w) => names.some((n) => n.toLowerCase().split(/__|_/).includes(w))) || words.some((w) => valueWithItsNoun(idx, text, w))
}

/**
 * "growth plan subscriptions": the word is a whole value (plan Growth) and the word
 * next to it names that value's column, so it is the value, not a
 * period comparison. Without the noun ("mrr growth") the analyst reading stays.
 */
function valueWithItsNoun(idx: CatalogIndex, text: string, word: string): boolean {
  const tokens = tokenize(text)
  return tokens.some((t, i) => {
    if (t.text !== word) return false
    const values = (idx.terms.get(t.stem) ?? []).filter((h) => h.target.kind === 'value' && h.source === 'value')
    const around = [tokens[i - 1], tokens[i + 1]].filter((x): x is Token => !!x)
    // the column's own name ("plan" of `plan_name`), not just its entity: "growth customers" stays a comparison
    return values.some((h) => around.some((x) => nameStems(h.target.name.split('__').pop() ?? '').includes(x.stem)))
  })
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
