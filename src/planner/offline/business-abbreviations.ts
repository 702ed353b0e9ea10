// `appl_cnt`, `pmt_amt`, `brnch_nm`: an un-curated layer names its columns in the shorthand of
// business writing, while the analyst asks for "applications", "payments", "branch". This is a
// table of that shorthand as English business writing uses it in any domain (no one layer's words):
// the name is also read with each shorthand word written out. Where a shorthand has several
// readings ("orig": origination or original), only those whose root the object's own description
// uses are taken; with none used, the shorthand is left as the layer wrote it.
import { stem } from './normalize'
/** Shorthand → the written-out words it may stand for, most common first. */
const SHORTHAND: Record<string, string[]> = {
  amt: ['amount'], bal: ['balance'], cnt: ['count'], ct: ['count'], qty: ['quantity'], pct: ['percent'],
  rt: ['rate'], vol: ['volume'], avg: ['average'], num: ['number'], nbr: ['number'], tot: ['total'],
  appl: ['application'], apps: ['application'], appr: ['approval', 'approved'], aprv: ['approval', 'approved'],
  dcsn: ['decision'], dec: ['decision', 'decline'], dcln: ['decline'], orig: ['origination', 'original'],
  instl: ['installment'], inst: ['installment', 'instance'], pmt: ['payment'], pymt: ['payment'], coll: ['collection'],
  brwr: ['borrower'], cust: ['customer'], acct: ['account'], txn: ['transaction'], trx: ['transaction'],
  chnl: ['channel'], stat: ['status'], sts: ['status'], purp: ['purpose'], rsn: ['reason'], mthd: ['method'],
  typ: ['type'], cd: ['code'], nm: ['name'], brnch: ['branch'], rgn: ['region'], reg: ['region'],
  emp: ['employment', 'employee'], inc: ['income'], bnd: ['band'], prod: ['product'], dt: ['date'],
  mo: ['month'], yr: ['year'], wk: ['week'], scr: ['score'], snap: ['snapshot'], bkt: ['bucket'],
  req: ['requested', 'request'], cur: ['current'], thru: ['through'], sched: ['scheduled'], dlq: ['delinquency'], dq: ['delinquency'],
  del: ['delinquency'], rev: ['revenue'], exp: ['expense'], disc: ['discount'], inv: ['invoice', 'inventory'],
  ord: ['order'], svc: ['service'], mgr: ['manager'], dept: ['department'], loc: ['location'], addr: ['address'],
  cat: ['category'], desc: ['description'], mthly: ['monthly'], ann: ['annual'],
}

/**
 * The readings of `word` (each one or more words), read against the object's own description: a
 * shorthand of one reading is that reading; of several, those whose root the description uses
 * ("Approved applications ..." keeps both "approval" and "approved"; "Stock on hand" takes neither
 * "invoice" nor "inventory" for `inv`).
 */
export function spelledOutShorthand(word: string, description: string | undefined): string[][] {
  const readings = shorthand().get(word)
  if (!readings) return []
  if (readings.length === 1 && !readings[0].includes(' ')) return [[readings[0]]]
  const described = (description ?? '').toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 4)
  return readings.filter((r) => r.split(' ').every((w) => described.some((x) => sameRoot(w, x)))).map((r) => r.split(' '))
}

/** Two words of one root: "approval" and "approved", "charge" and "charged" (all but the last three letters shared). */
function sameRoot(a: string, b: string): boolean {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i >= Math.max(4, Math.min(a.length, b.length) - 3)
}

/**
 * A question word that is business shorthand of one reading ("apps", "appr", "bal") as that reading's stem,
 * where the layer's names use it; undefined otherwise. The analyst writes the shorthand the layer spells out.
 */
export function shorthandReadingOf(word: string, nameVocabulary: Set<string>): string | undefined {
  const readings = shorthand().get(word) ?? shorthand().get(stem(word))
  if (!readings) return undefined
  const used = readings.filter((r) => !r.includes(' ') && nameVocabulary.has(stem(r)))
  return used.length === 1 ? stem(used[0]) : undefined
}

let byStem: Map<string, string[]> | undefined
/** The table keyed by the stems names are read as ("apps" is stemmed like any word). */
function shorthand(): Map<string, string[]> {
  if (!byStem) {
    byStem = new Map()
    for (const [k, v] of Object.entries(SHORTHAND)) { byStem.set(k, v); byStem.set(stem(k), v) }
  }
  return byStem
}

/**
 * A name's stems with its shorthand written out ("appl cnt" → "application count"), one list per reading
 * (at most four), or none where no word of the name is shorthand.
 */
export function spelledOutNameStems(stems: string[], description: string | undefined): string[][] {
  let out: string[][] = [[]]
  let changed = false
  for (const w of stems) {
    const readings = spelledOutShorthand(w, description)
    if (readings.length) changed = true
    const next = readings.length ? readings.map((r) => r.map(stem)) : [[w]]
    out = out.flatMap((o) => next.map((r) => [...o, ...r])).slice(0, 4)
  }
  return changed ? out : []
}
