// `subs_cnt` described as "Subscriber lines.", `gross_add_cnt` as "Lines activated (gross adds).",
// `data_mb` as "Mobile data used in megabytes.", `disc_cnt` counted over the disconnect entity: an
// un-curated layer says what a metric counts only in its description or its entity, while the
// analyst asks for "lines", "activations", "data usage", "disconnects". Three readings of that text:
// - a description that is an entity's noun and one more noun ("Subscriber lines") names the metric
//   by that last noun, the thing counted ("lines by plan");
// - a description that opens with a noun and a past participle ("Lines activated") names the metric
//   with the participle turned into its noun as English forms it (-ated → -ation, -cted → -ction,
//   used → usage): "activations", "line activations", "data usage" (a mass noun such as "usage" only
//   with what is used: "usage" alone may be of anything);
// - a count whose name is an entity's word, or a cut of it, and "count" (`disc_cnt` over the
//   disconnect entity) names the metric by the entity's plural ("disconnects").
// Each is indexed only where it names one metric, no metric owns the words already, and (for the
// first) no other metric's name holds the noun or a cut of it ("minutes" of "Outage minutes" next to
// `voice_min` names two things).
import type { Catalog, CatalogMetric } from '../../../semantic/types'
import type { Hit } from './catalog-index'
import { nameStems, stem } from './normalize'
import { PARTICIPLE_CLOSE, descriptionLeadPhrases, reversedParticipleNames } from './participle-order'
import { measureLeadPhrase } from './measure-lead-phrases'

/** The noun English forms from a past participle, or undefined where there is no regular one. */
export function participleNouns(participle: string): string[] {
  const p = participle.toLowerCase()
  if (p === 'used') return ['usage']
  if (/[a-z]{3,}(?:at|ct)ed$/.test(p)) return [`${p.slice(0, -2)}ion`]
  return []
}

/**
 * "Lines activated (gross adds)." → the names "line activated", "activation" and "line activation";
 * "Mobile data used in megabytes" → "mobile data used", "data used", "data usage", "mobile data usage".
 */
export function participleNames(description: string | undefined): string[][] {
  // the participle ends the phrase ("Lines activated minus lines disconnected" is a difference, not activations;
  // "Financial aid offered per student" is a ratio, not the aid offered)
  // ("Shipments delivered on or before the promised day" is not every delivery: PARTICIPLE_CLOSE)
  const lead = new RegExp(String.raw`^\s*([A-Za-z]+(?:\s+[A-Za-z]+)?)\s+([a-z]+ed)${PARTICIPLE_CLOSE}`).exec(description ?? '')
  if (!lead) return []
  const nouns = participleNouns(lead[2])
  const subject = nameStems(lead[1])
  if (subject.length === 0) return []
  // the phrase as written ("payments collected" for "Payments collected in USD.")
  const out: string[][] = [[...subject, stem(lead[2].toLowerCase())]]
  // "aid offered" for "Financial aid offered in USD.", "sections offered" for "Course sections offered.":
  // the head noun with the participle, its modifier left out (a name two metrics share is dropped later)
  if (subject.length > 1) out.push([subject[subject.length - 1], stem(lead[2].toLowerCase())])
  for (const n of nouns) {
    const s = stem(n)
    // an event noun ("activations") names the metric alone; a mass noun ("usage") only with what is used
    if (s.endsWith('ion')) out.push([s])
    out.push([subject[subject.length - 1], s])
    if (subject.length > 1) out.push([...subject, s])
  }
  return out
}

/** "Subscriber lines." with `subscriber` an entity → "line"; undefined for any other description. */
export function entityHeadNoun(description: string | undefined, entityWords: Set<string>): string | undefined {
  const m = /^\s*([A-Za-z]+)\s+([A-Za-z]+)\s*\.?\s*$/.exec(description ?? '')
  if (!m) return undefined
  const [modifier, head] = [stem(m[1].toLowerCase()), stem(m[2].toLowerCase())]
  return entityWords.has(modifier) && head.length >= 4 && head !== modifier ? head : undefined
}

/** Whether a metric name word holds `noun` or is cut from it ("min" of minute, "line" of line). */
function nameHolds(metric: CatalogMetric, noun: string): boolean {
  return nameStems(metric.name).some((w) => w === noun || (w.length >= 2 && noun.startsWith(w)))
}

/**
 * The counts named by an entity's word, or a cut of it, and "count" (`disc_cnt` over the disconnect
 * entity, `pmt_cnt` read "payment count"), by the entity's word; several under one word are all listed.
 */
export function countedByEntityWord(metrics: CatalogMetric[], described: Map<string, string[]>): Map<string, CatalogMetric[]> {
  const out = new Map<string, CatalogMetric[]>()
  for (const m of metrics) {
    const name = described.get(m.name) ?? nameStems(m.name)
    if (name.length !== 2 || name[1] !== 'count') continue
    // the metric's own entities: query names without a path (`disconnect`, `subscriber`)
    const own = m.dimensions.filter((d) => !d.includes('__') && !d.startsWith('metric_time')).map((d) => nameStems(d).join(' '))
    const counted = own.filter((e) => !e.includes(' ') && (e === name[0] || (name[0].length >= 3 && e.startsWith(name[0]))))
    if (counted.length === 1) out.set(counted[0], [...(out.get(counted[0]) ?? []), m])
  }
  return out
}

/**
 * Adds the readings above to the index. `described` is each metric's name as written out from its
 * description (`disc_cnt` → disconnect count), where one was.
 */
export function addDescriptionNouns(
  catalog: Catalog,
  described: Map<string, string[]>,
  terms: Map<string, Hit[]>,
  add: (stems: string[], hit: Hit) => void,
): void {
  const entities = catalog.dimensions.filter((d) => d.type === 'entity' && !d.name.includes('__')).map((d) => d.name)
  const entityWords = new Set(entities.map((e) => nameStems(e).join(' ')))
  const found = new Map<string, Array<{ metric: CatalogMetric; quality: number }>>()
  const note = (stems: string[], metric: CatalogMetric, quality: number) => {
    const key = stems.join(' ')
    const list = found.get(key) ?? []
    if (!list.some((x) => x.metric === metric)) list.push({ metric, quality })
    found.set(key, list)
  }
  for (const m of catalog.metrics) {
    const head = entityHeadNoun(m.description, entityWords)
    if (head && !catalog.metrics.some((o) => o !== m && nameHolds(o, head))) note([head], m, 0.86)
    for (const stems of participleNames(m.description)) note(stems, m, 0.86)
    // "transactions settled" / "settled transactions" for "Number of settled transactions", "accounts churned" for `churned_accounts`
    for (const stems of descriptionLeadPhrases(m.description)) note(stems, m, 0.9)
    // "Past-due amount at month end": the measure phrase the description opens with
    const measured = measureLeadPhrase(m.description)
    if (measured) note(measured, m, 0.9)
    for (const stems of reversedParticipleNames(nameStems(m.name))) note(stems, m, 0.9)
  }
  for (const [noun, ms] of countedByEntityWord(catalog.metrics, described)) for (const m of ms) note([noun], m, 0.85)
  for (const [key, list] of found) {
    if (list.length !== 1 || terms.get(key)?.some((h) => h.target.kind === 'metric')) continue
    const { metric, quality } = list[0]
    add(key.split(' '), { target: { kind: 'metric', name: metric.name, metric }, quality, source: 'description' })
  }
}
