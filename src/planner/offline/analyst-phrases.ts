// Analyst phrasings the semantic query can answer with its comparison options:
// period comparisons ("this year vs last year", "YTD vs same period last
// year", "change since last quarter", "month over month growth", "QoQ") and
// shares of a total ("what % of sales came from Electronics", "share by
// region"). The phrase is recognised on the text, cut out, the rest is planned
// as usual, and the option is added to that plan: `compare` (two periods as
// wholes), `offset_metrics` (each period next to the one before) or
// `share_of_total`. Every word of the phrase is thereby accounted for; a
// phrase whose rest does not give what the option needs (no time range to
// compare, nothing to take a share of) is refused, never answered without it.
import type { GroupByItem, SemanticQuery, TimeGrain } from '../../../semantic/types'
import { PlanningError } from '../planner'

export interface AnalystPhrase {
  /** The question without the phrase (what the ordinary planner plans). */
  rest: string
  /** Turns the plan of the rest into the plan of the whole question. */
  apply(q: SemanticQuery): SemanticQuery
  /** Said in plan.reasons. */
  reason: string
}

const GRAIN_WORD: Record<string, TimeGrain> = { year: 'year', yr: 'year', quarter: 'quarter', qtr: 'quarter', q: 'quarter', month: 'month', mo: 'month', mth: 'month', m: 'month', week: 'week', wk: 'week', w: 'week', day: 'day', d: 'day', y: 'year' }
// analysts type the short forms too ("this wk vs last wk", "QoQ", "yr")
const GRAINS = '(year|quarter|month|week|day|yr|qtr|mo|mth|wk)'
const VS = '(?:vs\\.?|versus|v\\.?|compared\\s+(?:to|with)|against|relative\\s+to)'
const PREV = '(?:last|previous|prior|the\\s+previous|the\\s+prior|the\\s+last)'
const CHANGE_WORDS = '(?:growth|change|changes|difference|increase|decrease|delta|trend|%\\s*change|percent\\s+change|pct\\s+change)'

function grainOf(word: string): TimeGrain {
  return GRAIN_WORD[word.toLowerCase()] ?? 'year'
}

/** Removes a match and tidies the spaces and dangling joiners it leaves. */
function cut(text: string, m: RegExpExecArray): string {
  return tidy(text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length))
}
function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s+([?.!,])/g, '$1').replace(/\b(?:in|of|the|and|with|for)\s*([?.!]?)\s*$/i, '$1').trim()
}

function timeGroup(grain: TimeGrain): GroupByItem { return `metric_time__${grain}` }

function isTimeGroup(g: GroupByItem): boolean {
  const name = typeof g === 'string' ? g : g.name
  return name === 'metric_time' || name.startsWith('metric_time__')
}

function needRange(q: SemanticQuery, phrase: string): void {
  if (!q.time_constraint?.start || !q.time_constraint.end) {
    throw new PlanningError('question_not_understood', `"${phrase}" compares two periods, but the question names no period to start from`, [
      { issue: `"${phrase}": say which period, e.g. "this year vs last year" or "in March vs the year before"` },
    ])
  }
}

/** Words of change a comparison answers by itself ("QoQ revenue change", "how has revenue changed since..."). */
function dropChangeWords(rest: string): string {
  return tidy(rest.replace(/\b(?:growth|grow|grew|grown|growing|changes?|changed|differences?|increased?|decreased?|delta|trend)\b/gi, ' '))
}

function compareWith(window: string, phrase: string, reason: string, rest: string): AnalystPhrase {
  return {
    rest: dropChangeWords(rest),
    reason,
    apply(q) {
      needRange(q, phrase)
      if ((q.group_by ?? []).some(isTimeGroup)) {
        // "monthly sales this year vs last year": each month next to the same month a year before
        return withOffsets(q, window)
      }
      return { ...q, compare: { offset_window: window } }
    },
  }
}

/** Every metric of the plan gets its value `window` earlier as `<metric>__<n>_<grain>_ago`. */
function withOffsets(q: SemanticQuery, window: string): SemanticQuery {
  const suffix = `__${window.replace(/\s+/g, '_')}_ago`
  const offset_metrics = q.metrics.map((m) => ({ name: m, alias: `${m}${suffix}`, offset_window: window }))
  return { ...q, metrics: [...q.metrics, ...offset_metrics.map((o) => o.alias)], offset_metrics }
}

function overPeriods(grain: TimeGrain, reason: string, rest: string): AnalystPhrase {
  return {
    rest: dropChangeWords(rest),
    reason,
    apply(q) {
      // "year over year by month": each month next to the same month a year before
      const own = (q.group_by ?? []).find(isTimeGroup)
      const grouped: SemanticQuery = own ? q : { ...q, group_by: [...(q.group_by ?? []), timeGroup(grain)] }
      const next = withOffsets(grouped, `1 ${grain}`)
      // a time series reads oldest first unless the question ordered it
      const timeName = own ? (typeof own === 'string' ? own : `${own.name}${own.grain ? `__${own.grain}` : ''}`) : `metric_time__${grain}`
      if (!next.order_by?.length) next.order_by = [timeName]
      return next
    },
  }
}

/** The first analyst phrase of the question, or undefined. */
export function findAnalystPhrase(question: string): AnalystPhrase | undefined {
  const text = question.replace(/[’]/g, "'")
  let m: RegExpExecArray | null

  // "YTD vs same period last year", "year to date compared to the same period last year", "ytd vs ly"
  m = new RegExp(`\\b(ytd|year[\\s-]+to[\\s-]+date)\\s+${VS}\\s+(?:the\\s+)?(?:same\\s+(?:period|time)\\s+)?(?:last|previous|prior)\\s+year\\b|\\b(ytd|year[\\s-]+to[\\s-]+date)\\s+${VS}\\s+ly\\b`, 'i').exec(text)
  if (m) {
    const ytd = m[1] ?? m[2]
    return compareWith('1 year', m[0], `"${m[0]}" → compare with the same period one year earlier`, tidy(text.slice(0, m.index) + ` ${ytd} ` + text.slice(m.index + m[0].length)))
  }

  // "this year vs last year", "this quarter compared to the previous quarter", "current month vs prior month"
  // ("sales this yr vs last": the grain after "last" may be left out)
  m = new RegExp(`\\b(?:this|current|the\\s+current)\\s+${GRAINS}\\s+${VS}\\s+${PREV}(?:\\s+(?:one|\\1)|(?!\\s+(?:the\\s+)?(?:same\\s+)?${GRAINS}))(?![\\w-])`, 'i').exec(text)
  if (m) {
    const grain = grainOf(m[1])
    const rest = tidy(text.slice(0, m.index) + ` this ${grain} ` + text.slice(m.index + m[0].length))
    return compareWith(`1 ${grain}`, m[0], `"${m[0]}" → compare this ${grain} with the ${grain} before`, rest)
  }

  // "change since last quarter", "growth since last month": this period against the previous one
  // ("orders since last month" without a word of change is a range, not a comparison)
  m = new RegExp(`\\b${CHANGE_WORDS}?\\s*(?:in\\s+\\w+\\s+)?since\\s+(?:last|the\\s+last|the\\s+previous|previous)\\s+${GRAINS}\\b`, 'i').exec(text)
  if (m && /\b(?:growth|grow|grew|grown|changes?|changed|differences?|increased?|decreased?|delta|rose|risen|fell|fallen|dropped|moved)\b/i.test(text)) {
    const grain = grainOf(m[1])
    const rest = tidy(`${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)} this ${grain}`.replace(/\b(?:how\s+(?:much\s+)?(?:has|have|did)|what\s+is\s+the|what's\s+the|how\s+has)\b/i, ''))
    return compareWith(`1 ${grain}`, m[0], `"${m[0]}" → compare this ${grain} so far with last ${grain}`, rest)
  }

  // "<X> vs last year" after a period of its own ("sales in March vs last year", "Q1 sales vs the prior year")
  m = new RegExp(`\\s+${VS}\\s+(?:the\\s+)?(?:same\\s+(?:period|time|month|quarter)\\s+)?${PREV}\\s+${GRAINS}\\b`, 'i').exec(text)
  if (m) {
    const grain = grainOf(m[1])
    return compareWith(`1 ${grain}`, m[0].trim(), `"${m[0].trim()}" → compare with the same period one ${grain} earlier`, cut(text, m))
  }

  // "month over month growth", "MoM", "QoQ change", "year-over-year", "week on week"
  m = new RegExp(`\\b${CHANGE_WORDS}?\\s*(?:${GRAINS}[\\s-]+(?:over|on)[\\s-]+(?:the\\s+)?(?:previous\\s+|prior\\s+|last\\s+)?\\1|(mom|qoq|yoy|wow|dod|m/m|q/q|y/y|w/w))\\s*${CHANGE_WORDS}?\\b`, 'i').exec(text)
  if (m) {
    const abbrev = m[2]?.toLowerCase()
    const grain: TimeGrain = abbrev ? grainOf(abbrev.replace('/', '')[0] === 'd' ? 'day' : abbrev[0]) : grainOf(m[1])
    return overPeriods(grain, `"${m[0].trim()}" → each ${grain} next to the ${grain} before`, cut(text, m))
  }

  // "sales growth by month", "monthly revenue growth", "quarterly change in orders"
  m = /\b(?:(monthly|quarterly|yearly|annual|weekly|daily)\s+((?:\w+\s+){0,3}?)(?:growth|change)|(?:growth|change)\s+((?:in\s+)?(?:\w+\s+){0,3}?)(?:by|per|each|every|over)\s+(month|quarter|year|week|day)s?)\b/i.exec(text)
  if (m) {
    const adj: Record<string, TimeGrain> = { monthly: 'month', quarterly: 'quarter', yearly: 'year', annual: 'year', weekly: 'week', daily: 'day' }
    const grain = m[1] ? adj[m[1].toLowerCase()] : grainOf(m[4])
    const kept = (m[2] ?? m[3] ?? '').replace(/^in\s+/i, '')
    return overPeriods(grain, `"${m[0]}" → each ${grain} next to the ${grain} before`, tidy(`${text.slice(0, m.index)} ${kept} ${text.slice(m.index + m[0].length)}`))
  }

  // "what % of sales came from Electronics", "what percentage of revenue is from the West", "what share of orders were online"
  m = /\b(?:what|which)\s+(?:%|percent(?:age)?|pct|share|proportion|fraction|portion|part)\s+of\s+(?:(?:our|the|total|all)\s+)*/i.exec(text)
  if (m) {
    const after = text.slice(m.index + m[0].length)
    const rest = tidy(after.replace(/\b(?:came|comes|come|coming|is|are|was|were)\s+(?:from|in|for)\b|\b(?:came|comes|come)\b|\b(?:is|are|was|were)\b/i, ' '))
    return shareOf(`${m[0].trim()}`, rest, true)
  }

  // "share of sales by region", "sales share by category", "% of total sales by store", "sales by region as a percentage of total"
  m = /(?<![\w%])(?:as\s+(?:a\s+)?(?:%|percent(?:age)?|share|proportion)\s+of\s+(?:the\s+)?total|(?:share|percent(?:age)?|%|proportion)\s+of\s+(?:the\s+)?(?:total|all)?|share\b)/i.exec(text)
  if (m) return shareOf(m[0].trim(), cut(text, m), false)
  return undefined
}

function shareOf(phrase: string, rest: string, fromFilter: boolean): AnalystPhrase {
  return {
    rest,
    reason: `"${phrase}" → each part's share of the whole total`,
    apply(q) {
      const groups = [...(q.group_by ?? [])]
      if (groups.some(isTimeGroup)) {
        throw new PlanningError('question_not_understood', `"${phrase}": a share per period is not supported; ask for one period`, [{ issue: 'share_of_total with a time group-by' }])
      }
      // "what % of sales came from Electronics": the filter names the part; group by its
      // dimension so the total covers every part (the compiler filters after the total)
      if (fromFilter || groups.length === 0) {
        for (const f of q.filters ?? []) {
          if ((f.op === '=' || f.op === 'in') && !f.field.startsWith('metric_time') && !groups.includes(f.field)) groups.push(f.field)
        }
      }
      if (groups.length === 0) {
        throw new PlanningError('question_not_understood', `"${phrase}": share of what? Name the part (a value) or the breakdown ("by region")`, [{ issue: 'share_of_total needs a group-by or a value' }])
      }
      return { ...q, group_by: groups, share_of_total: true }
    },
  }
}
