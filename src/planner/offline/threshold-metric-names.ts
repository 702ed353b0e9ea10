// `dq30_rt` described as "Share of open loans 30 or more days past due at month end.", `dq90_rt` and the counts
// `dq30_cnt`, `dq90_cnt` with no description at all: an un-curated layer names a threshold metric by a
// shorthand and the threshold's number, and says what the number counts only in one description. The analyst
// asks for the "30+ days past due rate", the "30+ dpd rate", the "90 day delinquency rate" or "loans 90+ past
// due". The description's condition ("<N> or more <unit> <state>") names the rate with "rate", and the count of
// the same prefix and number with the counted noun; a sibling whose name differs only by its number
// (`dq90_rt` beside `dq30_rt`) is named by the same condition with its own number. The shorthand written out
// ("dq": delinquency) and the initials of the condition that the layer uses as a word ("dpd" of `dpd_bkt`)
// name it too. Indexed only where nothing is named so already.
import type { Catalog, CatalogMetric } from '../../../semantic/types'
import type { Hit } from './catalog-index'
import { spelledOutShorthand } from './business-abbreviations'
import { nameStems, stem } from './normalize'

interface Condition { noun?: string; unit: string; state: string[] }

const RATE_WORDS = new Set(['rate', 'ratio', 'percent', 'share'])
const COUNT_WORDS = new Set(['count', 'number'])
/** "30 or more days past due at month end": the number, the unit and the state that follows, up to a clause word. */
const CONDITION = /(?:\b([a-z]+)\s+)?(\d+)\s*(?:\+|or more|or over|and over|and up)\s+(days?|weeks?|months?|hours?|minutes?|years?)\s+([a-z][a-z-]*(?:\s+(?!at\b|as\b|in\b|on\b|by\b|for\b|of\b)[a-z][a-z-]*)?)/i

/** The threshold shorthand of a name (`dq30_rt` → dq, 30, [rate]), or undefined. */
function thresholdName(m: CatalogMetric): { prefix: string; n: string; rest: string[] } | undefined {
  const stems = nameStems(m.name)
  const i = stems.findIndex((w) => /^[a-z]{1,4}\d{1,3}$/.test(w))
  if (i < 0) return undefined
  const [, prefix, n] = /^([a-z]+)(\d+)$/.exec(stems[i])!
  const rest = stems.filter((_, j) => j !== i).map((w) => spelledOutShorthand(w, m.description)[0]?.map(stem).join(' ') ?? w)
  return { prefix, n, rest }
}

/** The condition a description states for the number `n` ("Share of open loans 30 or more days past due"). */
function conditionOf(description: string | undefined): (Condition & { n: string }) | undefined {
  const m = CONDITION.exec(description ?? '')
  if (!m) return undefined
  return { noun: m[1] ? stem(m[1].toLowerCase()) : undefined, n: m[2], unit: stem(m[3].toLowerCase()), state: nameStems(m[4]) }
}

/** The names of a threshold condition, each without the metric's own word. */
function conditionNames(n: string, c: Condition, written: string[], initials: string | undefined): string[][] {
  const out: string[][] = [
    [n, 'and', c.unit, ...c.state], [n, 'or', 'more', c.unit, ...c.state], [n, c.unit, 'or', 'more', ...c.state], [n, c.unit, ...c.state], [n, 'and', ...c.state],
  ]
  if (initials) out.push([n, 'and', initials], [n, initials])
  for (const w of written) out.push([n, 'and', w], [n, c.unit, w], [n, w])
  return out
}

/** Adds the names above for every metric named by a shorthand and a threshold number. */
export function addThresholdMetricNames(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const named = catalog.metrics.map((m) => ({ m, t: thresholdName(m) })).filter((x): x is { m: CatalogMetric; t: NonNullable<ReturnType<typeof thresholdName>> } => !!x.t)
  const words = new Set<string>()
  for (const key of terms.keys()) for (const w of key.split(' ')) words.add(w)
  const pending: Array<[string[], CatalogMetric]> = []
  const family: Array<[string[], CatalogMetric]> = []
  for (const { m, t } of named) {
    // the metric's own condition, else a sibling's of the same prefix with its number in place of the sibling's
    const siblings = named.filter((x) => x.t.prefix === t.prefix)
    const source = [m, ...siblings.map((x) => x.m)].map((x) => ({ x, c: conditionOf(x.description) })).find((s) => s.c)
    if (!source?.c) continue
    const c = source.c
    const initials = [c.unit, ...c.state].map((w) => w[0]).join('')
    const written = spelledOutShorthand(t.prefix, undefined).filter((r) => r.length === 1).map((r) => stem(r[0]))
    const names = conditionNames(t.n, c, written, initials.length >= 2 && words.has(initials) ? initials : undefined)
    if (t.rest.some((w) => RATE_WORDS.has(w))) {
      for (const cn of names) pending.push([[...cn, 'rate'], m])
      // "delinquency rate 30+", "delinquency 90+ rate"
      for (const w of written) pending.push([[w, 'rate', t.n, 'and'], m], [[w, t.n, 'and', 'rate'], m])
      // "delinquency rate" alone names every threshold of the family: siblings share it, and the question is asked back
      for (const w of written) family.push([[w, 'rate'], m])
    } else if (t.rest.some((w) => COUNT_WORDS.has(w)) && c.noun) {
      // "loans 90+ past due", "90+ dpd loans"
      for (const cn of names) pending.push([[c.noun, ...cn], m], [[...cn, c.noun], m])
    }
  }
  const before = new Set(terms.keys())
  for (const [stems, m] of pending) {
    if (before.has(stems.join(' '))) continue
    add(stems, { target: { kind: 'metric', name: m.name, metric: m }, quality: 0.9, source: 'description' })
  }
  // (weaker: the family name leaves the threshold unsaid, so even one such metric is not sure)
  for (const [stems, m] of family) {
    if (before.has(stems.join(' '))) continue
    add(stems, { target: { kind: 'metric', name: m.name, metric: m }, quality: 0.85, source: 'description' })
  }
}
