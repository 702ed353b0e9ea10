// Splits a question into items: time phrases, catalog mentions and plain
// words. Catalog mentions are chosen by dynamic programming over all ways the
// catalog's terms cover the words, preferring few, long, exact matches
// ("total sales" over "total" + "sales"; "instant bookings" the metric over
// "instant" + "bookings").
import { readUnitValues } from './value-units'
import type { Clock } from '../time/civil-date'
import { findTimeRanges, type TimeRangeMatch } from '../time/parse-time'
import { correctTypo, type CatalogIndex, type Hit } from './catalog-index'
import { DIRECTION_PHRASES, FILLER, ORDER_MARKERS, RESERVED, isKnownWord } from './lexicon'
import { stem, tokenize, type Token } from './normalize'
import { catalogAbbreviationOf } from './catalog-abbreviations'
import { describedNameOpeningWithLittleWord } from './description-lead-names'
import { readLetterValues } from './letter-values'

export type Item =
  | { kind: 'time'; from: number; to: number; text: string; time: TimeRangeMatch }
  | { kind: 'match'; from: number; to: number; text: string; hits: Hit[]; corrected: string[]; weak: boolean }
  | { kind: 'word'; from: number; to: number; text: string; token: Token }

export interface Segmented {
  tokens: Token[]
  items: Item[]
}

/** Small words a question puts inside a name that the name itself leaves out. */
const LINK_WORDS = new Set(['to', 'the', 'a', 'an', 'of'])

/** Reserved words that may still be a value when a preposition introduces them ("in the US"). */
const PRONOUN_VALUES = new Set(['us'])

/** Nouns that make "order" a thing rather than "order by" a sort instruction. */
const ORDER_NOUN_BEFORE = new Set(['a', 'an', 'the', 'each', 'every', 'per', 'average', 'avg', 'one', 'first', 'last', 'this', 'that', 'mean', 'typical'])

export function segment(question: string, idx: CatalogIndex, clock: Clock): Segmented {
  const tokens = tokenize(question)
  const n = tokens.length
  // Time phrases are fixed first: they are unambiguous and contain numbers
  // that must not become "top N" or comparison values.
  const timeAt = new Map<number, { to: number; time: TimeRangeMatch }>()
  const inTime = new Array<boolean>(n).fill(false)
  for (const time of findTimeRanges(question, clock)) {
    const end = time.index + time.length
    let from = -1
    let to = -1
    for (let k = 0; k < n; k++) {
      if (tokens[k].start >= time.index && tokens[k].end <= end) {
        if (from < 0) from = k
        to = k + 1
      }
    }
    if (from < 0) continue
    if (coveredByName(tokens, from, to, idx)) continue // "trailing 2 months revenue" is a metric
    timeAt.set(from, { to, time })
    for (let k = from; k < to; k++) inTime[k] = true
  }

  // Sort markers ("order by", "sorted by") must not be read as the catalog's "order".
  const reserved = new Array<boolean>(n).fill(false)
  const structural = [...ORDER_MARKERS, ...DIRECTION_PHRASES.map(([p]) => p)].filter((m) => m.length >= 2)
  for (let k = 0; k < n; k++) {
    for (const m of structural) {
      if (m.length < 2 || !m.every((w, j) => tokens[k + j]?.text === w)) continue
      if (m[0] === 'order' && k > 0 && ORDER_NOUN_BEFORE.has(tokens[k - 1].text)) continue
      for (let j = 0; j < m.length; j++) reserved[k + j] = true
    }
  }

  // Typo corrections for words the catalog does not know.
  const corrected = tokens.map((t) => {
    if (t.number !== undefined || idx.vocabularySet.has(t.stem) || isKnownWord(t.text) || isKnownWord(t.stem)) return undefined
    return correctTypo(idx, t.stem)?.word
  })

  // "cert level" over `cert_lvl`, "early termination" over `is_early_term`: a word the question spells out that
  // the layer abbreviates, even where a description made the word known; used only inside a longer name
  const abbreviated = tokens.map((t) => (t.number === undefined ? catalogAbbreviationOf(idx.nameVocabulary, t.stem) : undefined))

  interface Choice { score: number; len: number; hits?: Hit[]; fixes?: string[] }
  const best: Choice[] = new Array(n + 1)
  best[n] = { score: 0, len: 0 }
  for (let i = n - 1; i >= 0; i--) {
    const t = timeAt.get(i)
    if (t) { best[i] = { score: best[t.to].score, len: t.to - i }; continue }
    if (inTime[i]) { best[i] = { score: -1e9, len: 1 }; continue }
    let choice: Choice = { score: best[i + 1].score, len: 1 }
    for (let len = 1; len <= idx.maxTermLength && i + len <= n; len++) {
      if (inTime[i + len - 1] || reserved[i + len - 1]) break
      const span = tokens.slice(i, i + len)
      const exactKey = span.map((t) => t.stem).join(' ')
      const fixes: string[] = []
      const fixedKey = span.map((t, j) => { const c = corrected[i + j]; if (c) fixes.push(`${t.text}→${c}`); return c ?? t.stem }).join(' ')
      const candidates: Array<{ hits: Hit[]; penalty: number; fixes: string[] }> = []
      const exact = idx.terms.get(exactKey)
      if (exact) candidates.push({ hits: exact, penalty: 1, fixes: [] })
      else if (len >= 3 && span.slice(1, -1).some((t) => LINK_WORDS.has(t.text))) {
        // "visit to buy conversion rate" names `visit_buy_conversion_rate`: names drop their little words
        const linked = idx.terms.get(span.filter((t, j) => j === 0 || j === len - 1 || !LINK_WORDS.has(t.text)).map((t) => t.stem).join(' '))
          ?.filter((h) => h.target.kind !== 'value' && h.source !== 'partial value')
        if (linked?.length) candidates.push({ hits: linked, penalty: 0.95, fixes: [] })
      }
      if (len >= 2 && !exact && span.some((_, j) => abbreviated[i + j])) {
        const spelled: string[] = []
        const key = span.map((t, j) => { const a = abbreviated[i + j]; if (a) spelled.push(`${t.text}→${a}`); return a ?? corrected[i + j] ?? t.stem }).join(' ')
        const named = idx.terms.get(key)?.filter((h) => h.source !== 'partial value')
        if (named?.length) candidates.push({ hits: named, penalty: Math.pow(0.9, spelled.length), fixes: spelled })
      }
      if (fixes.length > 0) {
        // a typo inside a partial value is too much guessing
        const fixed = idx.terms.get(fixedKey)?.filter((h) => h.source !== 'partial value')
        // a typo fixed within the edit budget to a catalog word is a sure reading (and it is shown in the reasons)
        if (fixed?.length) candidates.push({ hits: fixed, penalty: Math.pow(0.9, fixes.length), fixes })
      }
      for (const c of candidates) {
        const hits = preferWrittenNames(usableHits(c.hits, span, idx, tokens[i + len]), span)
        if (hits.length === 0) continue
        const q = hits[0].quality * c.penalty
        const score = len * q + 0.1 * (len - 1) + best[i + len].score
        if (score > choice.score + 1e-9) {
          choice = { score, len, hits: c.penalty === 1 ? hits : hits.map((h) => ({ ...h, quality: h.quality * c.penalty })), fixes: c.fixes }
        }
      }
    }
    best[i] = choice
  }

  const items: Item[] = []
  for (let i = 0; i < n;) {
    const t = timeAt.get(i)
    const c = best[i]
    const text = (from: number, to: number) => question.slice(tokens[from].start, tokens[to - 1].end)
    if (t) {
      items.push({ kind: 'time', from: i, to: t.to, text: t.time.text, time: t.time })
      i = t.to
    } else if (c.hits) {
      const span = tokens.slice(i, i + c.len)
      const weak = span.every((tk) => RESERVED.has(tk.text))
      items.push({ kind: 'match', from: i, to: i + c.len, text: text(i, i + c.len), hits: c.hits, corrected: c.fixes ?? [], weak })
      i += c.len
    } else {
      items.push({ kind: 'word', from: i, to: i + 1, text: tokens[i].text, token: tokens[i] })
      i++
    }
  }
  splitValueNouns(items, tokens, idx, question)
  readLetterValues(items)
  joinSoldNouns(items, tokens, idx)
  readUnitValues(items, idx, question)
  return { tokens, items }
}

const SPLIT_AFTER = new Set(['for', 'of', 'with', 'from', 'on', 'in', 'among'])
const SPLIT_BETWEEN = new Set(['vs', 'versus', 'and', 'or', ','])

/**
 * "billed amount for denied claims": after another metric and a preposition,
 * a metric name that is a value plus a noun (`denied_claim_count` = denied +
 * claims) names a filter on the first metric, not a second metric. Likewise
 * "paid vs denied claims": the second side of a comparison of values is a
 * value too. The item is split into the value and the noun.
 */
function splitValueNouns(items: Item[], tokens: Token[], idx: CatalogIndex, question: string): void {
  for (let i = 2; i < items.length; i++) {
    const it = items[i]
    if (it.kind !== 'match' || it.to - it.from < 2 || it.hits[0]?.target.kind !== 'metric') continue
    const prev = items[i - 1]
    if (prev.kind !== 'word') continue
    const earlierMetric = items.slice(0, i - 1).some((x) => x.kind === 'match' && x.hits.some((h) => h.target.kind === 'metric'))
    const afterPrep = SPLIT_AFTER.has(prev.token.text) && earlierMetric
    const sideValue = SPLIT_BETWEEN.has(prev.token.text) ? items[i - 2] : undefined
    const sideDims = sideValue?.kind === 'match' ? new Set(sideValue.hits.filter((h) => h.target.kind === 'value').map((h) => h.target.name)) : new Set<string>()
    if (!afterPrep && sideDims.size === 0) continue
    for (let p = it.from + 1; p < it.to; p++) {
      const valueHits = idx.terms.get(tokens.slice(it.from, p).map((t) => t.stem).join(' '))?.filter((h) => h.target.kind === 'value' && (h.source === 'value' || h.source === 'alias'))
      const nounHits = idx.terms.get(tokens.slice(p, it.to).map((t) => t.stem).join(' '))?.filter((h) => h.target.kind !== 'value')
      if (!valueHits?.length || !nounHits?.length) continue
      if (!afterPrep && !valueHits.some((h) => sideDims.has(h.target.name))) continue
      const text = (a: number, b: number) => question.slice(tokens[a].start, tokens[b - 1].end)
      items.splice(i, 1,
        { kind: 'match', from: it.from, to: p, text: text(it.from, p), hits: valueHits, corrected: [], weak: false },
        { kind: 'match', from: p, to: it.to, text: text(p, it.to), hits: nounHits, corrected: [], weak: false })
      break
    }
  }
}

/** Words between a counted noun and its verb: "how many items did we sell", "items were sold". */
const AUXILIARIES = new Set(['did', 'do', 'does', 'were', 'was', 'are', 'is', 'have', 'has', 'had', 'we', 'you', 'they', 'i', 'get', 'got', 'been', 'be', 'being', 'actually', 'really', 'all', 'in', 'total'])
const SELL_VERBS = new Set(['sell', 'sells', 'sold', 'selling'])
/** Hit sources that read a metric's whole name: such a reading is not reconsidered. */
const WHOLE_NAME_SOURCES = new Set(['name', 'label', 'synonym'])

/**
 * "how many items did we sell": the noun and the verb together name a metric
 * ("items sold") although other words stand between them. The noun's own
 * reading (a product dimension) would answer another question.
 */
function joinSoldNouns(items: Item[], tokens: Token[], idx: CatalogIndex): void {
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    if (it.kind !== 'match') continue
    // a metric read from part of its name ("guests" of `loyalty_guests`) may still be the noun of a passive
    const partialMetric = it.hits[0]?.target.kind === 'metric' && !WHOLE_NAME_SOURCES.has(it.hits[0].source)
    if (it.hits[0]?.target.kind === 'metric' && !partialMetric) continue
    let j = i + 1
    while (j < items.length && j <= i + 4 && items[j].kind === 'word' && AUXILIARIES.has((items[j] as Extract<Item, { kind: 'word' }>).token.text)) j++
    if (j === i + 1) continue // "items sold" together is already a term
    const verb = items[j]
    const verbText = verb?.kind === 'word' ? verb.token.text : verb?.kind === 'match' && verb.to - verb.from === 1 ? tokens[verb.from].text : undefined
    if (!verbText) continue
    const nounStems = tokens.slice(it.from, it.to).map((t) => t.stem)
    // "items were sold" names the units sold; "guests were served" names a metric said "Guests served":
    // the passive's auxiliaries stand between a noun and the participle that, together, name a metric
    const key = SELL_VERBS.has(verbText) && !partialMetric ? [...nounStems, 'sale'].join(' ') : /^[a-z]{3,}ed$/.test(verbText) ? [...nounStems, stem(verbText)].join(' ') : undefined
    const metrics = key ? idx.terms.get(key)?.filter((h) => h.target.kind === 'metric') : undefined
    if (!metrics?.length) continue
    items[i] = { ...it, hits: metrics.map((h) => ({ ...h, quality: h.quality * 0.95 })) }
    // the participle is now part of the metric's name: not a value as well ("auths were approved" is no second
    // filter on the approval code). "sold" keeps its old reading: it was never consumed
    if (key !== [...nounStems, 'sale'].join(' ') && verb.kind === 'match') items[j] = { kind: 'word', from: verb.from, to: verb.to, text: verb.text, token: tokens[verb.from] }
  }
}

/**
 * `item_sales` and `items_sold` fold to the same key ("item sale"): names that tie on
 * the folded key are told apart by the words as written, so "item sales" is the
 * sales and "items sold" the units. Only reorders hits of equal quality.
 */
function preferWrittenNames(hits: Hit[], span: Token[]): Hit[] {
  if (hits.length < 2 || hits[1].quality < hits[0].quality - 1e-9) return hits
  const tied = hits.filter((h) => h.quality >= hits[0].quality - 1e-9)
  if (!tied.every((h) => h.target.kind === 'metric') || new Set(tied.map((h) => h.target.name)).size < 2) return hits
  const written = (h: Hit) => {
    const own = new Set(h.target.name.toLowerCase().split(/_+/))
    return span.filter((t) => own.has(t.text)).length
  }
  const order = [...tied].sort((a, b) => written(b) - written(a))
  return [...order, ...hits.slice(tied.length)]
}

/**
 * Structure words may only be claimed as part of a longer exact name or value
 * ("In store"); partial values and shortened names never take them.
 */
function usableHits(hits: Hit[], span: Token[], idx: CatalogIndex, next?: Token): Hit[] {
  const first = span[0].text
  const last = span[span.length - 1].text
  const boundaryReserved = RESERVED.has(first) || RESERVED.has(last)
  // "other than walk-in", "rather than": a single word before "than" is half of a comparison or a
  // negation, never a value or a name on its own (a layer's "other" category stays readable elsewhere)
  if (span.length === 1 && next?.text === 'than') return []
  if (span.length === 1 && RESERVED.has(first)) {
    // "us" may be a country code; "in"/"or"/"me" as state codes are too risky.
    if (!PRONOUN_VALUES.has(first)) return []
    return hits.filter((h) => h.target.kind === 'value' && (h.source === 'value' || h.source === 'alias'))
  }
  if (!boundaryReserved) return hits
  return hits.filter((h) => ((h.source === 'value' || h.source === 'name' || h.source === 'label' || h.source === 'synonym' || h.source === 'alias') && !nounInsideValue(h, span, idx, next)) || describedNameOpeningWithLittleWord(h, span))
}

/**
 * "sales in stores in new york": the value "In store" matches only once "stores"
 * is folded to "store", and "stores" names the store entity. When such a word, in
 * another number than the value writes it, is followed by its own preposition
 * phrase ("stores in new york"), it is that dimension's noun (the stores there),
 * and reading it as the value adds a filter nobody asked for. Without a phrase
 * of its own ("orders in stores last month") the value reading stays.
 */
const NOUN_PHRASE_PREPOSITIONS = new Set(['in', 'at', 'of', 'from', 'across', 'located'])

function nounInsideValue(h: Hit, span: Token[], idx: CatalogIndex, next?: Token): boolean {
  if (h.target.kind !== 'value' || h.source !== 'value' || !next || !NOUN_PHRASE_PREPOSITIONS.has(next.text)) return false
  const written = tokenize(String(h.target.value)).map((t) => t.text)
  if (written.length !== span.length) return false
  return span.some((t, j) => t.text !== written[j] && t.stem === written[j] && (idx.terms.get(t.stem) ?? []).some((x) => x.target.kind === 'dimension'))
}

/** Whether a metric or dimension name spans a time phrase and more ("revenue all time"). */
function coveredByName(tokens: Token[], from: number, to: number, idx: CatalogIndex): boolean {
  const max = idx.maxTermLength
  for (let a = Math.max(0, to - max); a <= from; a++) {
    for (let b = to; b <= Math.min(tokens.length, a + max); b++) {
      if (b - a <= to - from) continue
      const hits = idx.terms.get(tokens.slice(a, b).map((t) => t.stem).join(' '))
      if (hits?.some((h) => h.target.kind !== 'value' && (h.source === 'name' || h.source === 'label' || h.source === 'synonym'))) return true
    }
  }
  return false
}
