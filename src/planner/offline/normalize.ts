// Text normalisation shared by the catalog index and the question parser, so
// both sides reduce "Categories", "category" and "CATEGORY_" to the same key.
import { editDistance } from '../../../semantic/suggest'

export interface Token {
  /** Lower-case surface form ("stores", "10,000", ">="). */
  text: string
  /** Matching key: singular, apostrophes removed ("store"). */
  stem: string
  /** Character offsets in the original question. */
  start: number
  end: number
  /** Parsed numeric value when the token is a number ("10k" → 10000). */
  number?: number
}

// Numbers (with $, thousands separators, k/m suffixes, %), words, and the few
// symbols that carry meaning. Everything else (quotes, brackets, dots) is dropped.
// "f&b", "r&d": two letters joined by an ampersand are one code word (FB), not "f and b"
const TOKEN_RE = /(?<![a-z0-9])[a-z]&[a-z](?![a-z0-9])|\$\s?\d[\d,]*(?:\.\d+)?(?:k|m|mm|bn|b)?(?![a-z0-9])|\d[\d,]*(?:\.\d+)?(?:k|m|mm|bn|b)?%?(?![a-z0-9])|[a-z0-9]+(?:'[a-z]+)?|>=|<=|!=|<>|==|[<>=,&/%+]/g

/** Irregular forms folded onto one key; `sold`/`selling` meet `sales`. */
const LEMMAS: Record<string, string> = {
  sold: 'sale', sell: 'sale', sells: 'sale', selling: 'sale', seller: 'sale',
  people: 'person', children: 'child', men: 'man', women: 'woman', geese: 'goose',
  '&': 'and',
  // "sales, units + orders": a plus between words joins them as "and" does
  '+': 'and',
  // a lone "%" is a word ("food cost %" is `food_cost_pct`); after a number it stays part of the number
  '%': 'percent',
  // ordinals a column name writes in digits (`is_1st_gen` is "first-gen")
  '1st': 'first', '2nd': 'second', '3rd': 'third',
  // common abbreviations
  avg: 'average', qty: 'quantity', amt: 'amount', pct: 'percent', num: 'number', cnt: 'count', rev: 'revenue',
  cust: 'customer', custs: 'customer', prod: 'product', prods: 'product', cat: 'category', cats: 'category', dept: 'department', depts: 'department',
  txn: 'transaction', txns: 'transaction', acct: 'account', accts: 'account',
  // dbt column habits: `open_dt` is an open date, `ticket_nbr` a ticket number
  dt: 'date', nbr: 'number', qtys: 'quantity', amts: 'amount', yr: 'year', mth: 'month', wk: 'week',
  // `payer_type_cd`, `provider_nm`, `is_active_flg`: the same habit on codes, names and flags
  cd: 'code', cds: 'code', nm: 'name', flg: 'flag', yrs: 'year', wks: 'week', mths: 'month', qtr: 'quarter', qtrs: 'quarter',
  // `run_hrs`, `dt_mins`: units of time cut the same way
  hrs: 'hour', mins: 'minute',
  // one idea, two words: "unique patients" is `distinct_patients`
  unique: 'distinct',
  // business shorthand for words layers spell out: `mgmt_typ`, `chk_in_dt`, "corp aov", "cxl fees"
  mgmt: 'management', mkt: 'market', seg: 'segment', corp: 'corporate', cxl: 'cancellation', typ: 'type', chk: 'check', cntry: 'country', ctry: 'country',
}

export function stem(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'")
  w = w.replace(/'s$/, '').replace(/'/g, '')
  const lemma = LEMMAS[w]
  if (lemma) return lemma
  if (w.length <= 3 || /^\d/.test(w)) return w
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y'
  if (/(ss|us|is|ous|ics)$/.test(w)) return w.endsWith('ics') ? w.slice(0, -1) : w
  if (/(ches|shes|xes|sses)$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('s')) return w.slice(0, -1)
  return w
}

/** Parses "10,000", "$1.5m", "10k", "25%" → number; undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  const m = /^\$?\s?(\d[\d,]*(?:\.\d+)?)(k|m|mm|bn|b)?%?$/.exec(text)
  if (!m) return undefined
  const base = Number(m[1].replace(/,/g, ''))
  if (!Number.isFinite(base)) return undefined
  const mult = m[2] === 'k' ? 1e3 : m[2] === 'm' || m[2] === 'mm' ? 1e6 : m[2] === 'b' || m[2] === 'bn' ? 1e9 : 1
  return base * mult
}

/** Tokenises a question (or a catalog text) keeping offsets. */
/** The question's words, lower-cased, split at anything but letters, digits and apostrophes (no stems, no numbers parsed). */
export const plainWords = (text: string): string[] => text.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean)

export function tokenize(text: string): Token[] {
  const lower = text.toLowerCase().replace(/[’‘`]/g, "'").replace(/[_]/g, ' ')
  const out: Token[] = []
  for (const m of lower.matchAll(TOKEN_RE)) {
    const raw = m[0]
    const start = m.index ?? 0
    const num = /^[$\d]/.test(raw) ? parseNumber(raw.replace(/\s/g, '')) : undefined
    const word = /^[a-z]&[a-z]$/.test(raw) ? raw.replace('&', '') : raw
    out.push({ text: raw, stem: num !== undefined ? raw.replace(/[$,\s]/g, '') : stem(word), start, end: start + raw.length, number: num })
  }
  return out
}

/** Splits an identifier or label into stems: `total_sales` → [total, sale]; `isInstant` → [is, instant]. */
export function nameStems(name: string): string[] {
  const spaced = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/__/g, ' ')
  return tokenize(spaced).filter((t) => /[a-z0-9]/.test(t.stem)).map((t) => t.stem)
}

/** The edit distance (Damerau–Levenshtein, early exit above `max`) is the semantic library's one. */
export { editDistance }

/** How many typos a word of this length may carry and still be recognised. */
export function typoBudget(word: string): number {
  if (word.length >= 8) return 2
  if (word.length >= 4) return 1
  return 0
}

/**
 * Shorthand analysts type that the tokenizer would split into nothing: "w/" (with), "w/o" (without);
 * and a lone "v" between two words ("houston v dallas"), which is "vs".
 */
export function expandShorthand(text: string): string {
  return text.replace(/\bw\/o\b/gi, 'without').replace(/\bw\/(?=\s|[a-z])/gi, 'with ').replace(/(?<=[a-z0-9]\s+)v\.?(?=\s+[a-z0-9])/gi, 'vs')
}
