// `npm run eval:planner`: plans every question of test/fixtures/planner-eval.json
// with the offline planner over catalogs built from the real MetricFlow YAML
// (demo retail model, MetricFlow's simple_manifest), compares the result with
// the expected semantic query and prints `planner eval: N/M correct`. It then
// does the same for test/fixtures/planner-eval-holdout.json and prints
// `planner holdout: N/M correct`. The holdout set was written before the
// planner was tuned against it and must never be tuned case by case: it is
// the estimate of accuracy on questions nobody has seen.
//
// test/fixtures/planner-eval-dev-2.json (`planner dev-2`) is the trust work's
// development set: the issue's language classes over the demo and over an
// un-curated logistics layer (test/fixtures/logistics); its failures print.
// test/fixtures/planner-eval-dev-3.json (`planner dev-3`) is the third: an
// un-curated healthcare-visits layer (test/fixtures/clinic) and the demo typed
// by a hurried analyst, a quarter of it expecting a refusal or a clarification.
// test/fixtures/planner-eval-dev-4.json (`planner dev-4`) is the fourth: an
// un-curated HR/recruiting layer (test/fixtures/hr) and busy demo phrasing,
// aimed at confidently wrong readings; over a third expect a non-answer.
// test/fixtures/planner-eval-dev-5.json (`planner dev-5`) is the fifth: an un-curated
// insurance layer (test/fixtures/insurance) and hurried demo phrasing, written for calibration.
// test/fixtures/planner-eval-dev-6.json (`planner dev-6`) is the sixth: an un-curated B2B SaaS layer
// (test/fixtures/saas) and hurried demo phrasing, harder: overlapping values, shared words, unreachable dimensions.
// test/fixtures/planner-eval-dev-7.json (`planner dev-7`) is the seventh: an un-curated restaurant-chain layer
// (test/fixtures/restaurant) and hurried demo phrasing, counted before the round's changes.
// test/fixtures/planner-eval-dev-8.json (`planner dev-8`) is the eighth: an un-curated hotel layer (test/fixtures/hotel) and hurried demo phrasing.
// test/fixtures/planner-eval-dev-9.json (`planner dev-9`) is the ninth: an un-curated card-payments layer (test/fixtures/payments) and hurried demo phrasing.
// test/fixtures/planner-eval-dev-10.json (`planner dev-10`) is the tenth: an un-curated gym-chain layer (test/fixtures/fitness) and hurried demo phrasing,
// over a third expecting a refusal or a clarification (missing measures, value words, near-miss metrics, unreachable dimensions).
// test/fixtures/planner-eval-dev-11.json (`planner dev-11`) is the eleventh: an un-curated factory/MES layer (test/fixtures/manufacturing), abbreviated names and code legends.
// test/fixtures/planner-eval-dev-12.json (`planner dev-12`) is the twelfth: an un-curated mobile-carrier layer (test/fixtures/telecom) and hurried
// demo phrasing, aimed at confidently wrong readings (value words, shared words, two join paths, unreachable dimensions, negations).
// test/fixtures/planner-eval-dev-13.json (`planner dev-13`) is the thirteenth: an un-curated university layer (test/fixtures/university: students,
// sections, registrations, bursar charges, financial aid, housing) and hurried demo phrasing, aimed at confidently wrong readings and the answerable share.
// test/fixtures/planner-eval-dev-14.json (`planner dev-14`) is the fourteenth: an un-curated public-transit layer (test/fixtures/transit: routes,
// stops, depots, vehicles, trips, fare taps, incidents) and hurried demo phrasing, aimed at confidently wrong readings and the answerable share.
// test/fixtures/planner-eval-dev-15.json (`planner dev-15`) is the fifteenth and changes method: no new layer, new language over six
// layers already tuned on (clinic, hr, saas, restaurant, hotel, payments): passive voice, questions, imperatives, word-order variants,
// paraphrased metric words, negation, time phrases, filler and hedges; counted before round 15, whose changes had to be domain-free.
// test/fixtures/planner-eval-dev-16.json (`planner dev-16`) is the sixteenth: an un-curated consumer-lending layer (test/fixtures/lending:
// abbreviated and opaque names, codes explained only in descriptions), 74% answerable, aimed at the answerable share.
//
// Then the two blind sets (planner-eval-blind-support.json: a support-desk
// domain modeled like a dbt user would; planner-eval-blind-demo.json: hurried
// analyst phrasing over the demo) print only their counts, as do the second
// pair written for the trust work's honest measure (planner-eval-blind-learning.json:
// an online-learning domain with an un-curated layer in test/fixtures/learning-blind;
// planner-eval-blind-demo-2.json: hurried analyst phrasing over the demo), and the third pair
// (planner-eval-blind-3-energy.json: an electric and gas utility with an un-curated layer in
// test/fixtures/energy-blind; planner-eval-blind-demo-3.json: hurried phrasing over the demo), and the fourth
// (planner-eval-blind-4-ads.json: digital advertising with an un-curated layer in test/fixtures/ads-blind;
// planner-eval-blind-demo-4.json: hurried phrasing over the demo), and the fifth (planner-eval-blind-5-realestate.json:
// residential property management, layer in test/fixtures/realestate-blind; planner-eval-blind-demo-5.json), and the sixth
// (planner-eval-blind-6-airline.json: airline operations, layer in test/fixtures/airline-blind; planner-eval-blind-demo-6.json), and the seventh
// (planner-eval-blind-7-rideshare.json: ride-hailing, layer in test/fixtures/rideshare-blind; planner-eval-blind-demo-7.json), and the eighth
// (planner-eval-blind-8-library.json: a public library system, layer in test/fixtures/library-blind; planner-eval-blind-demo-8.json), and the ninth
// (planner-eval-blind-9-vet.json: a veterinary-clinic chain, layer in test/fixtures/vet-blind; planner-eval-blind-demo-9.json), and the tenth
// (planner-eval-blind-10-events.json: live-event ticketing, layer in test/fixtures/events-blind; planner-eval-blind-demo-10.json), and the eleventh
// (planner-eval-blind-11-telecom.json: a mobile telecom operator, layer in test/fixtures/telecom-blind; planner-eval-blind-demo-11.json), and the twelfth
// (planner-eval-blind-12-carrental.json: car rental, layer in test/fixtures/carrental-blind; planner-eval-blind-demo-12.json). Every set prints
// `planner <label> trust: correct N, clarified N, refused N, wrong N`, and for a set with
// wrong answers, for development sets, counts only: their confidence bands, the kinds of reading
// they used and which plan parts differed (never for blind sets: that would guide tuning).
// Development sets also print their calibration: answered plans and wrong ones per confidence band
// (run with --min-confidence 0 to see every plan the planner would have made).
//
// Options: --verbose (print passing cases too), --show-blind (print blind failures),
// --skip-blind (run no blind set at all: for tuning runs, so not even their counts are seen),
// --validation (counts of the first two blind pairs, which have gated rounds, but not of the third to the sixth),
// --min-confidence <x> (offline-only threshold; default 0.75 as the service; 0 = answer everything), --only <id substring>,
// --min <fraction> (exit 1 when the first set scores below it; default 0,
// the figure is informational).
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { yamlFiles } from '../src/cli/yaml-files'
import { buildCatalog, importMetricFlow, type Catalog, type SemanticManifest, type SemanticQuery, type StructuredFilter } from '../semantic'
import { getCatalogIndex } from '../src/planner/offline/catalog-index'
import { planOffline } from '../src/planner/offline/offline-planner'
import { gateConfidence } from '../src/planner/offline/confidence-gate'
import { DEFAULT_MIN_CONFIDENCE } from '../src/planner/hybrid'
import { PlanningError, type Turn } from '../src/planner/planner'
import { METRICFLOW_SUITE_DIR } from './support/metricflow-suite'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SUITE_DIR = METRICFLOW_SUITE_DIR

interface EvalFile {
  clock: { now: string; timezone: string }
  catalogs: Record<string, { manifest: string; sample_values?: Record<string, Array<string | number | boolean>> }>
  cases: EvalCase[]
}
type Expected = Partial<Pick<SemanticQuery, 'metrics' | 'group_by' | 'filters' | 'time_constraint' | 'order_by' | 'limit' | 'compare' | 'offset_metrics' | 'share_of_total'>> & { error?: string }
interface EvalCase {
  id: string
  catalog: string
  question: string
  /** Earlier questions of the same conversation, planned first. */
  history?: string[]
  expected: Expected
}


/** Loads a manifest and adds the fixture's sample values (`model.dimension` keys), as the value index would. */
function loadCatalog(spec: EvalFile['catalogs'][string]): Catalog {
  const dir = spec.manifest.replace('$METRICFLOW_SUITE_DIR', SUITE_DIR)
  const { manifest } = importMetricFlow(yamlFiles([resolve(ROOT, dir)]), { source_schema: 'eval' })
  for (const [key, values] of Object.entries(spec.sample_values ?? {})) {
    const [model, dim] = key.split('.')
    const d = findDimension(manifest, model, dim)
    if (!d) throw new Error(`planner-eval: sample_values key "${key}" names no dimension`)
    d.sample_values = values
  }
  return buildCatalog(manifest)
}

function findDimension(m: SemanticManifest, model: string, dim: string) {
  return m.semantic_models.find((s) => s.name === model)?.dimensions.find((d) => d.name === dim)
}

// ------------------------------------------------------------ comparison

const groupName = (g: NonNullable<SemanticQuery['group_by']>[number]) => (typeof g === 'string' ? g : [g.name, g.grain ?? g.date_part].filter(Boolean).join('__'))
const filterKey = (f: StructuredFilter) => JSON.stringify([f.field, f.op, Array.isArray(f.value) ? [...f.value].map(String).sort() : f.value])
const sortedJson = (xs: string[]) => JSON.stringify([...xs].sort())

function compareQuery(expected: Expected, got: SemanticQuery): string[] {
  const diffs: string[] = []
  const cmp = (what: string, a: string, b: string) => { if (a !== b) diffs.push(`${what}: expected ${a}, got ${b}`) }
  cmp('metrics', sortedJson(expected.metrics ?? []), sortedJson(got.metrics))
  cmp('group_by', sortedJson((expected.group_by ?? []).map(groupName)), sortedJson((got.group_by ?? []).map(groupName)))
  cmp('filters', sortedJson((expected.filters ?? []).map(filterKey)), sortedJson((got.filters ?? []).map(filterKey)))
  const tc = (t?: SemanticQuery['time_constraint']) => JSON.stringify(t && (t.start || t.end) ? { start: t.start ?? null, end: t.end ?? null } : null)
  cmp('time_constraint', tc(expected.time_constraint), tc(got.time_constraint))
  cmp('order_by', JSON.stringify(expected.order_by ?? []), JSON.stringify(got.order_by ?? []))
  cmp('limit', JSON.stringify(expected.limit ?? null), JSON.stringify(got.limit ?? null))
  // period comparisons and shares: a plan without them answers another question
  cmp('compare', JSON.stringify(expected.compare ?? null), JSON.stringify(got.compare ?? null))
  const offsets = (xs?: SemanticQuery['offset_metrics']) => sortedJson((xs ?? []).map((o) => `${o.name}@${o.offset_window ?? `to ${o.offset_to_grain}`}`))
  cmp('offset_metrics', offsets(expected.offset_metrics), offsets(got.offset_metrics))
  cmp('share_of_total', JSON.stringify(expected.share_of_total ?? false), JSON.stringify(got.share_of_total ?? false))
  return diffs
}

// ------------------------------------------------------------ run

interface RunOptions { verbose: boolean; only?: string; quiet?: boolean; minConfidence: number }
interface Counts { clarified: number; refused: number; wrong: number; wrongWhereRefusalExpected: number; wrongBands: Record<string, number>; wrongReadings: Record<string, number>; wrongParts: Record<string, number>; calibration: Record<string, { answered: number; wrong: number }> }

/** Runs one eval file and prints its failures, timings and the `planner <label>: N/M correct` line. */
function runFile(relPath: string, label: string, opts: RunOptions): { correct: number; total: number } & Counts {
  const { verbose, only } = opts
  const file = JSON.parse(readFileSync(join(ROOT, relPath), 'utf8')) as EvalFile
  const ctx = { now: new Date(file.clock.now), timezone: file.clock.timezone }
  const catalogs = new Map<string, Catalog>()
  const unavailable = new Map<string, string>()
  for (const [name, spec] of Object.entries(file.catalogs)) {
    let catalog: Catalog
    try {
      catalog = loadCatalog(spec)
    } catch (err) {
      // e.g. the MetricFlow suite is not on this machine: say so instead of crashing
      unavailable.set(name, (err as Error).message)
      continue
    }
    // the index is built once per catalog (cached by identity); timed apart from planning
    const t0 = performance.now()
    getCatalogIndex(catalog)
    console.log(`catalog ${name}: ${catalog.metrics.length} metrics, ${catalog.dimensions.length} dimensions, index built in ${(performance.now() - t0).toFixed(1)} ms`)
    catalogs.set(name, catalog)
  }

  let correct = 0
  let total = 0
  let skipped = 0
  // trust counts: a case is correct (the expected plan, or the expected kind of
  // non-answer), clarified (asked back with ambiguous_question), refused
  // (question_not_understood), or wrong (answered with another plan, or
  // answered where a refusal or clarification was expected)
  const counts: Counts = { clarified: 0, refused: 0, wrong: 0, wrongWhereRefusalExpected: 0, wrongBands: {}, wrongReadings: {}, wrongParts: {}, calibration: {} }
  const timings: number[] = []
  const failures: string[] = []
  // the questions the layer can express (a plan is expected) and how many of them got exactly that plan
  const answerable = { total: 0, right: 0 }
  for (const c of file.cases) {
    if (only && !c.id.includes(only)) continue
    if (unavailable.has(c.catalog)) { skipped++; continue }
    total++
    const catalog = catalogs.get(c.catalog)
    if (!catalog) throw new Error(`planner-eval: case ${c.id} names unknown catalog ${c.catalog}`)
    const history: Turn[] = []
    let outcome: { query?: SemanticQuery; error?: string; message?: string; confidence?: number; reasons?: string[] }
    try {
      for (const q of c.history ?? []) history.push({ question: q, plan: planOffline(q, catalog, history, ctx) })
      const t0 = performance.now()
      // as the service answers in offline-only mode: below the threshold it refuses or asks back
      const plan = gateConfidence(planOffline(c.question, catalog, history, ctx), opts.minConfidence)
      timings.push(performance.now() - t0)
      outcome = { query: plan.query, confidence: plan.confidence, reasons: plan.reasons }
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err
      outcome = { error: err.code, message: err.message }
    }
    let diffs: string[]
    if (c.expected.error) diffs = outcome.error === c.expected.error ? [] : [`expected error ${c.expected.error}, got ${outcome.error ? `error ${outcome.error}` : JSON.stringify(outcome.query)}`]
    else diffs = outcome.query ? compareQuery(c.expected, outcome.query) : [`expected a plan, got ${outcome.error}: ${outcome.message}`]
    if (outcome.query) {
      // calibration: of the plans answered, how many were wrong, by confidence (with --min-confidence 0, every plan)
      const conf = outcome.confidence ?? 1
      const band = conf >= 0.95 ? '>=0.95' : conf >= 0.85 ? '0.85-0.95' : conf >= 0.75 ? '0.75-0.85' : conf >= 0.6 ? '0.6-0.75' : '<0.6'
      const cell = (counts.calibration[band] ??= { answered: 0, wrong: 0 })
      cell.answered++
      if (diffs.length > 0) cell.wrong++
    }
    if (diffs.length > 0) {
      if (outcome.error === 'ambiguous_question') counts.clarified++
      else if (outcome.error) counts.refused++
      else {
        counts.wrong++
        if (c.expected.error) counts.wrongWhereRefusalExpected++
        // which parts of the plan differed (metrics, time_constraint...), counted
        if (!c.expected.error) for (const d of diffs) { const k = d.split(':')[0]; counts.wrongParts[k] = (counts.wrongParts[k] ?? 0) + 1 }
        const conf = outcome.confidence ?? 1
        const band = conf >= 0.95 ? '>=0.95' : conf >= 0.85 ? '0.85-0.95' : '<0.85'
        counts.wrongBands[band] = (counts.wrongBands[band] ?? 0) + 1
        // which kinds of reading the wrong plans leaned on (a reason's "(source)"), counted, never shown per question
        for (const k of new Set((outcome.reasons ?? []).map((r) => /→ (?:metric|group by|filter)[^(]*\(([a-z ]+)\)$/.exec(r)?.[1]).filter((x): x is string => !!x))) counts.wrongReadings[k] = (counts.wrongReadings[k] ?? 0) + 1
      }
    }
    if (!c.expected.error) answerable.total++
    if (diffs.length === 0) {
      correct++
      if (!c.expected.error) answerable.right++
      if (verbose && !opts.quiet) console.log(`ok   ${c.id}: ${c.question}`)
    } else {
      const lines = [`FAIL ${c.id} [${c.catalog}] ${c.history?.length ? `(after ${c.history.map((h) => JSON.stringify(h)).join(' → ')}) ` : ''}${JSON.stringify(c.question)}`]
      lines.push(`     expected: ${JSON.stringify(c.expected)}`)
      lines.push(`     got:      ${outcome.query ? JSON.stringify(outcome.query) : `${outcome.error}: ${outcome.message}`}`)
      for (const d of diffs) lines.push(`     - ${d}`)
      failures.push(lines.join('\n'))
    }
  }
  // blind sets print only their counts: reading their failures would be tuning on them
  if (!opts.quiet) for (const f of failures) console.log(f)
  timings.sort((a, b) => a - b)
  const p = (x: number) => (timings.length ? timings[Math.min(timings.length - 1, Math.floor(x * timings.length))].toFixed(2) : '-')
  console.log(`planning time per question: median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms`)
  for (const [name, why] of unavailable) console.log(`catalog ${name} unavailable (${why}); its cases were skipped (set METRICFLOW_SUITE_DIR)`)
  console.log(`planner ${label}: ${correct}/${total} correct${skipped ? ` (${skipped} skipped)` : ''}`)
  console.log(`planner ${label} trust: correct ${correct}, clarified ${counts.clarified}, refused ${counts.refused}, wrong ${counts.wrong}`)
  // the trust issue's target for un-curated layers: at least 80% of what the layer can express answered right
  if (answerable.total) console.log(`planner ${label} answerable: ${answerable.right}/${answerable.total} answered with the expected plan (${(100 * answerable.right / answerable.total).toFixed(1)}%)`)
  // an aggregate that says which kind of wrong without showing any question (so blind sets stay blind):
  // an answer where the set expected a refusal may be a capability added after the set was written
  if (counts.wrong) console.log(`planner ${label} wrong: ${counts.wrong - counts.wrongWhereRefusalExpected} answered with another plan, ${counts.wrongWhereRefusalExpected} answered where a refusal was expected`)
  // development sets only: how sure the wrong answers were, the kinds of reading they used and the parts that
  // differed. Even as aggregates this tells what to change, so blind sets never print it (that would be tuning on them).
  const bands = ['>=0.95', '0.85-0.95', '0.75-0.85', '0.6-0.75', '<0.6'].filter((b) => counts.calibration[b])
  if (!opts.quiet && bands.length) console.log(`planner ${label} calibration (answered/wrong by confidence): ${bands.map((b) => `${b} ${counts.calibration[b].answered}/${counts.calibration[b].wrong}`).join(', ')}`)
  if (counts.wrong && !opts.quiet) console.log(`planner ${label} wrong by confidence: ${Object.entries(counts.wrongBands).map(([b, n]) => `${b} ${n}`).join(', ')}; readings used: ${Object.entries(counts.wrongReadings).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}; parts that differed: ${Object.entries(counts.wrongParts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`)
  return { correct, total, ...counts }
}

function main(): void {
  const args = process.argv.slice(2)
  const opts: RunOptions = {
    verbose: args.includes('--verbose'),
    only: args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined,
    // --min-confidence 0 measures the planner as it answered before offline-only mode had a threshold
    minConfidence: args.includes('--min-confidence') ? Number(args[args.indexOf('--min-confidence') + 1]) : DEFAULT_MIN_CONFIDENCE,
  }
  const min = args.includes('--min') ? Number(args[args.indexOf('--min') + 1]) : 0
  const original = runFile('test/fixtures/planner-eval.json', 'eval', opts)
  runFile('test/fixtures/planner-eval-holdout.json', 'holdout', opts)
  // second development set of the trust work: analyst language over the demo and an un-curated logistics layer
  runFile('test/fixtures/planner-eval-dev-2.json', 'dev-2', opts)
  // third development set: an un-curated healthcare-visits layer (test/fixtures/clinic) and hurried demo phrasing
  runFile('test/fixtures/planner-eval-dev-3.json', 'dev-3', opts)
  // fourth development set: an un-curated people/HR/recruiting layer (test/fixtures/hr) and busy demo phrasing
  runFile('test/fixtures/planner-eval-dev-4.json', 'dev-4', opts)
  // fifth development set: an un-curated insurance layer (test/fixtures/insurance) and hurried demo phrasing
  runFile('test/fixtures/planner-eval-dev-5.json', 'dev-5', opts)
  runFile('test/fixtures/planner-eval-dev-6.json', 'dev-6', opts)
  // seventh development set: an un-curated restaurant-chain layer (test/fixtures/restaurant) and hurried demo phrasing
  runFile('test/fixtures/planner-eval-dev-7.json', 'dev-7', opts)
  runFile('test/fixtures/planner-eval-dev-8.json', 'dev-8', opts)
  runFile('test/fixtures/planner-eval-dev-9.json', 'dev-9', opts)
  // tenth development set: an un-curated gym/fitness-club layer (test/fixtures/fitness) and hurried demo phrasing, counted before round 10
  runFile('test/fixtures/planner-eval-dev-10.json', 'dev-10', opts)
  // eleventh development set: an un-curated factory/MES layer (test/fixtures/manufacturing), counted before round 11
  runFile('test/fixtures/planner-eval-dev-11.json', 'dev-11', opts)
  // twelfth development set: an un-curated mobile-carrier layer (test/fixtures/telecom), counted before round 12
  runFile('test/fixtures/planner-eval-dev-12.json', 'dev-12', opts)
  runFile('test/fixtures/planner-eval-dev-13.json', 'dev-13', opts)
  // fourteenth development set: an un-curated public-transit layer (test/fixtures/transit), counted before round 14
  runFile('test/fixtures/planner-eval-dev-14.json', 'dev-14', opts)
  // fifteenth development set: new language over six known layers (no new domain), counted before round 15
  runFile('test/fixtures/planner-eval-dev-15.json', 'dev-15', opts)
  // sixteenth development set: an un-curated consumer-lending layer (test/fixtures/lending: opaque metric names, meaning only in
  // descriptions), three quarters answerable, for the answerable share on un-curated layers; counted before round 16
  runFile('test/fixtures/planner-eval-dev-16.json', 'dev-16', opts)
  // blind sets, written before the trust work and never tuned on (only their counts are printed);
  // --skip-blind leaves them out entirely, for runs made while tuning
  if (!args.includes('--skip-blind')) {
    const blind = { ...opts, quiet: !args.includes('--show-blind') }
    runFile('test/fixtures/planner-eval-blind-support.json', 'blind-support', blind)
    runFile('test/fixtures/planner-eval-blind-demo.json', 'blind-demo', blind)
    // second blind pair, written by someone who did not read the planner: never tune on these
    runFile('test/fixtures/planner-eval-blind-learning.json', 'blind-learning', blind)
    runFile('test/fixtures/planner-eval-blind-demo-2.json', 'blind-demo-2', blind)
    // The two pairs above have gated planner rounds by their counts (a round or a mechanism kept only if
    // no wrong count rose), so they are validation sets now; --validation runs them without the third pair,
    // which only ever measures and never decides.
    if (!args.includes('--validation')) {
      // third blind pair, written 2026-12-06 by a helper who did not read the planner and never tuned on:
      // an un-curated utility (energy) layer and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-3-energy.json', 'blind-3-energy', blind)
      runFile('test/fixtures/planner-eval-blind-demo-3.json', 'blind-demo-3', blind)
      // fourth blind pair, written 2026-12-06 by a helper who neither read nor ran the planner, counted before
      // round 8 and after: an un-curated digital-advertising layer (test/fixtures/ads-blind) and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-4-ads.json', 'blind-4-ads', blind)
      runFile('test/fixtures/planner-eval-blind-demo-4.json', 'blind-demo-4', blind)
      // fifth blind pair, written the same way before round 9: an un-curated residential property-management
      // layer (test/fixtures/realestate-blind) and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-5-realestate.json', 'blind-5-realestate', blind)
      runFile('test/fixtures/planner-eval-blind-demo-5.json', 'blind-demo-5', blind)
      // sixth blind pair, written 2026-12-07 the same way and counted before round 10: an un-curated airline-operations
      // layer (test/fixtures/airline-blind) and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-6-airline.json', 'blind-6-airline', blind)
      runFile('test/fixtures/planner-eval-blind-demo-6.json', 'blind-demo-6', blind)
      // seventh blind pair, written 2026-12-07 the same way and counted before round 12: an un-curated ride-hailing
      // layer (test/fixtures/rideshare-blind) and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-7-rideshare.json', 'blind-7-rideshare', blind)
      runFile('test/fixtures/planner-eval-blind-demo-7.json', 'blind-demo-7', blind)
      // The eighth: a public-library layer (test/fixtures/library-blind) and hurried demo phrasing
      runFile('test/fixtures/planner-eval-blind-8-library.json', 'blind-8-library', blind)
      runFile('test/fixtures/planner-eval-blind-demo-8.json', 'blind-demo-8', blind)
      // The ninth: a veterinary-clinic chain (test/fixtures/vet-blind) and hurried demo phrasing, written after round 15
      runFile('test/fixtures/planner-eval-blind-9-vet.json', 'blind-9-vet', blind)
      runFile('test/fixtures/planner-eval-blind-demo-9.json', 'blind-demo-9', blind)
      // The tenth: live-event ticketing (test/fixtures/events-blind) and hurried demo phrasing, written 2026-12-07
      // before the session's planner changes by a helper who neither read nor ran the planner; counted before and after
      runFile('test/fixtures/planner-eval-blind-10-events.json', 'blind-10-events', blind)
      runFile('test/fixtures/planner-eval-blind-demo-10.json', 'blind-demo-10', blind)
      // The eleventh: a mobile telecom operator (test/fixtures/telecom-blind) and hurried demo phrasing, written
      // 2026-12-07 before round 17 by a helper who neither read nor ran the planner; counted before and after
      runFile('test/fixtures/planner-eval-blind-11-telecom.json', 'blind-11-telecom', blind)
      runFile('test/fixtures/planner-eval-blind-demo-11.json', 'blind-demo-11', blind)
      // The twelfth: car rental (test/fixtures/carrental-blind) and hurried demo phrasing, written 2026-12-07
      // before round 18 by a helper who neither read nor ran the planner; counted before and after
      runFile('test/fixtures/planner-eval-blind-12-carrental.json', 'blind-12-carrental', blind)
      runFile('test/fixtures/planner-eval-blind-demo-12.json', 'blind-demo-12', blind)
    }
  }
  if (original.total > 0 && original.correct / original.total < min) process.exitCode = 1
}

main()
