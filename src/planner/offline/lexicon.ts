// The planner's closed-class vocabulary: words that carry structure (by, top,
// excluding, over...) and words that carry nothing (show, me, the...). The
// catalog supplies the open-class words (metrics, dimensions, values).
import type { TimeGrain } from '../../../semantic/types'
import { NUMBER_WORDS } from '../time/parse-time'

/**
 * Words that can be ignored without losing meaning when the catalog did not
 * claim them. Kept broad on purpose: the planner refuses questions with
 * unexplained content words, so every harmless word must be listed here.
 */
export const FILLER = new Set(`
a an the this that these those there here it its it's is are was were be been being am
do does did done doing have has had having get gets got getting give gives gave
show shows showing shown display list lists tell see seen find look looking
want wanted need needed like would could can will should shall may might must let lets let's please pls plz kindly
i me my mine we us our ours you your yours they them their theirs he she his her him
what what's whats which who whom whose when where why how how's hows
many much total totals overall sum summed summing number numbers count counts counted amount amounts
figure figures data info information report reports reporting stat stats statistics metric metrics
value values result results output breakdown broken break down split group grouped grouping wise
chart plot graph visualize visualise visualization table tables
compare compared comparing comparison versus vs against
so just also too very really quite currently now then as
both all any some kind sort type types various different
performance perform performing performed doing did go going went happen happened happening
generated generate generating made make making earned earn earning bring brought come came
recorded record occurred placed achieved achieve reached hit
altogether combined together grand aggregate aggregated calculate calculated compute computed measure measured
up out about around roughly approximately approx
i'd i'm can't cannot dont don't didn't doesn't isn't aren't wasn't weren't
sell sells selling sold buy buys buying bought purchase purchased purchasing
ok okay hi hello hey thanks thank yes no instead rather again
terms term regarding respect basis 
during
know knew idea curious wondering wonder interested
things thing stuff something anything everything
latest recent recently lately current
give gimme
same yeah yep yup sure cool nice alright
unique distinct
`.split(/\s+/).filter(Boolean))

/** Prepositions and markers after which a value names a filter. */
export const FILTER_PREPS = new Set(['in', 'for', 'at', 'from', 'of', 'within', 'on', 'to', 'with', 'where', 'whose', 'among', 'amongst', 'only', 'just', 'is', 'are', 'was', 'were', 'equals', 'equal', '=', 'inside', 'into', 'via', 'through', 'that', 'which', 'who', 'having', 'has', 'had', 'under'])

/** Words (possibly multi-word) after which a dimension is a group-by. */
export const GROUP_MARKERS: string[][] = [
  ['broken', 'down', 'by'], ['break', 'down', 'by'], ['breakdown', 'by'], ['broken', 'out', 'by'], ['split', 'by'], ['split', 'out', 'by'],
  ['grouped', 'by'], ['group', 'by'], ['segmented', 'by'], ['segment', 'by'], ['sliced', 'by'], ['slice', 'by'],
  ['for', 'each'], ['for', 'every'], ['in', 'each'], ['in', 'every'], ['by', 'each'], ['per', 'each'], ['across', 'all'], ['across', 'the'], ['across'],
  ['by'], ['per'], ['each'], ['every'],
]

export const NEGATIONS: string[][] = [
  ['other', 'than'], ['apart', 'from'], ['aside', 'from'], ['except', 'for'], ['but', 'not'], ['not', 'including'], ['not', 'in'], ['not', 'from'], ['not', 'at'], ['not', 'for'],
  ['excluding'], ['exclude'], ['excludes'], ['excluded'], ['except'], ['excl'], ['without'], ['not'], ['non'], ['outside'], ['besides'], ['minus'],
]

export const CONJUNCTIONS = new Set(['and', 'or', ',', '&', '+', 'plus', '/', 'nor'])

/** Comparison phrases → operator. Longest first at match time. */
export const COMPARATORS: Array<[string[], '>' | '>=' | '<' | '<=' | '=' | '!=']> = [
  [['greater', 'than', 'or', 'equal', 'to'], '>='], [['more', 'than', 'or', 'equal', 'to'], '>='], [['less', 'than', 'or', 'equal', 'to'], '<='],
  [['not', 'more', 'than'], '<='], [['no', 'more', 'than'], '<='], [['not', 'less', 'than'], '>='], [['no', 'less', 'than'], '>='], [['no', 'fewer', 'than'], '>='],
  [['more', 'than'], '>'], [['greater', 'than'], '>'], [['higher', 'than'], '>'], [['bigger', 'than'], '>'], [['larger', 'than'], '>'], [['over'], '>'], [['above'], '>'], [['exceeding'], '>'], [['exceeds'], '>'], [['exceed'], '>'], [['exceeded'], '>'], [['>'], '>'],
  [['at', 'least'], '>='], [['minimum', 'of'], '>='], [['a', 'minimum', 'of'], '>='], [['>='], '>='], [['or', 'more'], '>='],
  [['less', 'than'], '<'], [['fewer', 'than'], '<'], [['lower', 'than'], '<'], [['smaller', 'than'], '<'], [['under'], '<'], [['below'], '<'], [['<'], '<'],
  [['at', 'most'], '<='], [['maximum', 'of'], '<='], [['a', 'maximum', 'of'], '<='], [['up', 'to'], '<='], [['<='], '<='], [['or', 'less'], '<='], [['or', 'fewer'], '<='],
  [['equal', 'to'], '='], [['equals'], '='], [['exactly'], '='], [['='], '='], [['=='], '='],
  [['not', 'equal', 'to'], '!='], [['!='], '!='], [['<>'], '!='],
]

export type Direction = 'asc' | 'desc'

/** Superlatives and ranking words → direction. */
export const SUPERLATIVES: Record<string, Direction> = {
  top: 'desc', best: 'desc', busiest: 'desc', highest: 'desc', most: 'desc', largest: 'desc', biggest: 'desc', greatest: 'desc', leading: 'desc', max: 'desc', maximum: 'desc', strongest: 'desc', higher: 'desc', more: 'desc', popular: 'desc', priciest: 'desc', heaviest: 'desc', longest: 'desc',
  bottom: 'asc', worst: 'asc', lowest: 'asc', least: 'asc', fewest: 'asc', smallest: 'asc', min: 'asc', minimum: 'asc', weakest: 'asc', quietest: 'asc', lower: 'asc', fewer: 'asc', less: 'asc', cheapest: 'asc', lightest: 'asc', shortest: 'asc',
}

export const ORDER_MARKERS: string[][] = [
  // "sort them by orders", "rank it by revenue": a follow-up re-sorting the last answer
  ...['sort', 'order', 'rank', 'arrange'].flatMap((v) => ['it', 'them', 'this', 'that', 'these', 'those', 'the', 'results', 'rows'].map((p) => [v, p, 'by'])),
  ['sort', 'the', 'results', 'by'], ['rank', 'the', 'results', 'by'],
  ['sorted', 'by'], ['sort', 'by'], ['sorted', 'on'], ['ordered', 'by'], ['order', 'by'], ['ranked', 'by'], ['rank', 'by'], ['ranking', 'by'], ['arranged', 'by'], ['sorted'], ['ranked'],
]

export const DIRECTION_PHRASES: Array<[string[], Direction]> = [
  [['in', 'ascending', 'order'], 'asc'], [['in', 'descending', 'order'], 'desc'], [['in', 'increasing', 'order'], 'asc'], [['in', 'decreasing', 'order'], 'desc'],
  [['in', 'reverse', 'order'], 'asc'],
  [['low', 'to', 'high'], 'asc'], [['lowest', 'to', 'highest'], 'asc'], [['smallest', 'to', 'largest'], 'asc'], [['least', 'to', 'most'], 'asc'],
  [['high', 'to', 'low'], 'desc'], [['highest', 'to', 'lowest'], 'desc'], [['largest', 'to', 'smallest'], 'desc'], [['most', 'to', 'least'], 'desc'],
  [['lowest', 'first'], 'asc'], [['smallest', 'first'], 'asc'], [['highest', 'first'], 'desc'], [['largest', 'first'], 'desc'], [['biggest', 'first'], 'desc'],
  // the other size superlatives say the same of any quantity ("longest wait first", "fewest first"); speed
  // words do not ("fastest first" is the lowest of a duration but the highest of a rate)
  [['longest', 'first'], 'desc'], [['greatest', 'first'], 'desc'], [['most', 'first'], 'desc'],
  [['shortest', 'first'], 'asc'], [['fewest', 'first'], 'asc'], [['least', 'first'], 'asc'],
  [['ascending'], 'asc'], [['asc'], 'asc'], [['increasing'], 'asc'], [['descending'], 'desc'], [['desc'], 'desc'], [['decreasing'], 'desc'],
  [['alphabetically'], 'asc'], [['alphabetical'], 'asc'],
]

/** Phrases that sort by the time grouping ("most recent first"). */
export const TIME_ORDER_PHRASES: Array<[string[], Direction]> = [
  [['most', 'recent', 'first'], 'desc'], [['newest', 'first'], 'desc'], [['latest', 'first'], 'desc'], [['recent', 'first'], 'desc'],
  [['in', 'reverse', 'chronological', 'order'], 'desc'], [['reverse', 'chronological'], 'desc'], [['reverse', 'chronologically'], 'desc'],
  [['oldest', 'first'], 'asc'], [['earliest', 'first'], 'asc'], [['in', 'chronological', 'order'], 'asc'], [['chronologically'], 'asc'], [['chronological'], 'asc'],
]

export const LIMIT_MARKERS: string[][] = [['limit', 'to'], ['limited', 'to'], ['limit'], ['first'], ['only', 'the', 'first'], ['just', 'the']]

/** Single words naming a grain ("monthly"), and nouns used after by/per/each ("by month"). */
export const GRAIN_ADJECTIVES: Record<string, TimeGrain> = {
  hourly: 'hour', daily: 'day', nightly: 'day', weekly: 'week', monthly: 'month', quarterly: 'quarter', yearly: 'year', annually: 'year', annual: 'year',
  dod: 'day', wow: 'week', mom: 'month', qoq: 'quarter', yoy: 'year',
}
export const GRAIN_NOUNS: Record<string, TimeGrain> = {
  hour: 'hour', hours: 'hour', day: 'day', days: 'day', date: 'day', dates: 'day', week: 'week', weeks: 'week',
  month: 'month', months: 'month', quarter: 'quarter', quarters: 'quarter', year: 'year', years: 'year',
  // the short forms analysts type ("by qtr", "per wk")
  wk: 'week', wks: 'week', mo: 'month', mos: 'month', mth: 'month', mths: 'month', qtr: 'quarter', qtrs: 'quarter', yr: 'year', yrs: 'year',
}
/** "month over month", "day by day", "week on week". */
export const GRAIN_REPEATS = ['over', 'by', 'on', 'to']

/** Phrases asking for a time series without naming a grain. */
export const TREND_PHRASES: string[][] = [
  ['over', 'time'], ['time', 'series'], ['timeseries'], ['trend'], ['trends'], ['trending'], ['trended'], ['timeline'], ['evolution'], ['evolved'], ['history'], ['historically'], ['progression'], ['change', 'over', 'time'],
]

/** Conversation cues. */
export const FOLLOW_UP_ADD = [['and', 'also'], ['as', 'well', 'as'], ['along', 'with'], ['together', 'with'], ['and'], ['also'], ['plus'], ['add'], ['include'], ['including'], ['with']]
export const FOLLOW_UP_REPLACE = [['what', 'about'], ['how', 'about'], ['what', 'if'], ['switch', 'to'], ['change', 'to'], ['instead', 'of'], ['instead'], ['rather'], ['now'], ['same', 'for'], ['same', 'but'], ['same', 'thing', 'for'], ['do', 'the', 'same', 'for'], ['only'], ['just']]
/**
 * Follow-ups that edit the last question with a verb of their own ("change it
 * to 2022", "same but weekly"). They open the question, replace what they
 * name and are consumed whole, so their verbs are never taken as unknown words.
 */
export const EDIT_PHRASES: string[][] = [
  ['same', 'thing', 'but'], ['same', 'as', 'before', 'but'], ['same', 'question', 'but'], ['same', 'but'], ['same', 'thing', 'for'], ['same', 'question', 'for'], ['same', 'for'], ['same', 'thing'],
  ['change', 'it', 'to'], ['change', 'that', 'to'], ['change', 'this', 'to'], ['change', 'to'], ['switch', 'it', 'to'], ['switch', 'that', 'to'], ['switch', 'to'],
  ['make', 'it'], ['make', 'that'], ['make', 'this'], ['set', 'it', 'to'], ['do', 'it', 'for'], ['do', 'that', 'for'], ['do', 'the', 'same', 'for'],
  ['redo', 'it', 'for'], ['redo', 'that', 'for'], ['repeat', 'it', 'for'], ['repeat', 'that', 'for'], ['repeat', 'for'], ['try'],
]
/** After a removal cue, words naming the time filter itself ("drop the date filter"). */
export const TIME_FILTER_WORDS: string[][] = [
  ['date', 'filter'], ['time', 'filter'], ['date', 'range'], ['time', 'range'], ['time', 'period'], ['date', 'restriction'], ['time', 'restriction'],
  ['time', 'constraint'], ['date', 'constraint'], ['time', 'frame'], ['timeframe'], ['period'], ['dates'], ['date'], ['time', 'window'],
]
export const FOLLOW_UP_REMOVE = [['remove'], ['drop'], ['without'], ['no'], ['clear'], ['exclude'], ['get', 'rid', 'of'], ['take', 'out'], ['ignore'], ['forget']]
/** Words that refer back to the previous answer. */
export const ANAPHORA = new Set(['it', 'that', 'this', 'those', 'these', 'them', 'same', 'instead', 'again'])

/** Tokens that the catalog may not claim on their own (they carry structure). */
export const RESERVED = new Set([
  'by', 'per', 'each', 'every', 'across', 'top', 'bottom', 'in', 'for', 'at', 'from', 'of', 'on', 'with', 'where', 'whose',
  'excluding', 'except', 'not', 'without', 'non', 'and', 'or', 'than', 'over', 'under', 'above', 'below', 'between', 'limit',
  'vs', 'versus', 'only', 'just', 'highest', 'lowest', 'most', 'least', 'best', 'worst', 'largest', 'smallest', 'biggest', 'fewest',
  'ascending', 'descending', 'asc', 'desc', 'is', 'are', 'was', 'were', 'the', 'a', 'an', 'to', 'which', 'what', 'how', 'show', 'me', 'us', 'it',
])

/** Number words for "top five", "last three": the one table, kept with the time phrases that read counts too. */
export { NUMBER_WORDS }

/** Name parts people leave out: "country" for `country_latest`, "sales" for `total_sales`, "store" for `store_name`. */
export const WEAK_NAME_TOKENS = new Set(['latest', 'name', 'id', 'is', 'has', 'was', 'code', 'count', 'num', 'number', 'total', 'amount', 'of', 'the', 'flag', 'dim', 'fct', 'key', 'label', 'title', 'nr'])

/**
 * Words asking for a computation the planner cannot express (shares, growth,
 * averages of a sum...). Left unexplained they change the answer, so the
 * planner refuses instead of silently dropping them.
 */
export const OPERATION_WORDS = new Set(`
percentage percentages percent share shares proportion proportions fraction ratio ratios rate rates
growth grow grew growing change changes changed difference differences increase increased increases decrease decreased decline declined
average averages avg mean median cumulative cumulatively running forecast forecasts predict predicted prediction projection projected
correlation correlate distribution variance deviation std stddev margin margins profit profits profitability
ranking rank ranked percentile quartile
`.split(/\s+/).filter(Boolean))

/** Words of the planner's own vocabulary: never "corrected" into catalog words. */
let known: Set<string> | undefined
export function isKnownWord(word: string): boolean {
  if (!known) {
    known = new Set<string>([
      ...FILLER, ...RESERVED, ...ANAPHORA, ...OPERATION_WORDS, ...DATA_CHANGE_WORDS, ...CONJUNCTIONS, ...FILTER_PREPS,
      ...Object.keys(SUPERLATIVES), ...Object.keys(GRAIN_ADJECTIVES), ...Object.keys(GRAIN_NOUNS), ...Object.keys(NUMBER_WORDS),
      ...[GROUP_MARKERS, NEGATIONS, ORDER_MARKERS, LIMIT_MARKERS, TREND_PHRASES, FOLLOW_UP_ADD, FOLLOW_UP_REPLACE, FOLLOW_UP_REMOVE, EDIT_PHRASES, TIME_FILTER_WORDS].flat(2),
      ...COMPARATORS.flatMap(([p]) => p), ...DIRECTION_PHRASES.flatMap(([p]) => p), ...TIME_ORDER_PHRASES.flatMap(([p]) => p),
      ...COMMON_WORDS,
    ])
  }
  return known.has(word)
}

let structure: Set<string> | undefined
/**
 * Words with a role in the question's grammar (a grain, a ranking, a comparison, a
 * direction, a negation, a number): narrower than isKnownWord, which also holds
 * filler and everyday words.
 */
export function isStructureWord(word: string): boolean {
  if (!structure) {
    structure = new Set<string>([
      ...Object.keys(SUPERLATIVES), ...Object.keys(GRAIN_ADJECTIVES), ...Object.keys(GRAIN_NOUNS), ...Object.keys(NUMBER_WORDS),
      ...[NEGATIONS, ORDER_MARKERS, LIMIT_MARKERS].flat(2),
      ...COMPARATORS.flatMap(([p]) => p), ...DIRECTION_PHRASES.flatMap(([p]) => p), ...TIME_ORDER_PHRASES.flatMap(([p]) => p),
    ].filter((w) => !FILLER.has(w)))
  }
  return structure.has(word)
}

/** Everyday words that look like typos of catalog words ("same"/"game", "cost"/"most"). */
const COMMON_WORDS = `
same game time times today week month year day date dates first last next previous prior past current
good great bad best better worse more less most least high low new old big small large long short
people person thing things place places way ways part parts point points case cases fact group number
team teams world life hand work works job jobs system line lines name names home house car cars
cost costs price prices pay paid spend spent money cash profit loss budget target goal plan plans
yes ok okay well still even back only also just much many some such each every other another
make made take took come came give gave know knew think thought look looked want wanted use used
find found tell told ask asked seem feel try tried leave left call called keep kept let begin began
show shown hear heard play run ran move live believe hold held bring happen write provide sit stand
lose pay meet include continue set learn change lead understand watch follow stop create speak read
allow add spend grow open walk win offer remember love consider appear buy wait serve die send expect
build stay fall cut reach kill remain suggest raise pass sell require report decide pull
late early soon fast slow quick
`.split(/\s+/).filter(Boolean)

/** Verbs that would change data: a read-only planner refuses them by name. */
export const DATA_CHANGE_WORDS = new Set(['drop', 'delete', 'truncate', 'insert', 'update', 'alter', 'grant', 'revoke', 'execute', 'exec', 'create', 'modify', 'overwrite'])
