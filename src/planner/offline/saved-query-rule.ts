// "run the weekly revenue report": a question that names a saved query (by its
// name, label or synonym, or by its description after "run") plans that saved
// query. Only a question that says nothing else matches, so questions about
// metrics and dimensions never reach this rule by accident.
import type { Catalog, CatalogSavedQuery, SemanticQuery } from '../../../semantic/types'
import { nameStems, tokenize } from './normalize'

/** Words around a request to run something; they carry no name. */
const COMMAND = new Set([
  'run', 'rerun', 'execute', 'show', 'give', 'get', 'pull', 'open', 'display', 'fetch', 'load', 'refresh',
  'me', 'us', 'the', 'a', 'an', 'our', 'my', 'please', 'can', 'could', 'would', 'you', 'i', 'want', 'to', 'see', 'again', 'now', 'latest', 'saved', 'query',
])
/** "the weekly revenue" names "Weekly revenue report" too. */
const KIND = new Set(['report', 'dashboard', 'query'])
const RUN_VERBS = new Set(['run', 'rerun', 'execute'])

export interface SavedQueryMatch { entry: CatalogSavedQuery; query: SemanticQuery; reason: string; confidence: number }

const content = (stems: string[]) => stems.filter((s) => !COMMAND.has(s))
const key = (stems: string[]) => stems.join(' ')
const withoutKind = (stems: string[]) => stems.filter((s) => !KIND.has(s))

export function matchSavedQuery(question: string, catalog: Catalog): SavedQueryMatch | undefined {
  const saved = catalog.saved_queries ?? []
  if (saved.length === 0) return undefined
  const tokens = tokenize(question)
  const stems = tokens.map((t) => t.stem)
  const asked = content(stems)
  if (asked.length === 0) return undefined
  const exact = key(asked)
  const loose = key(withoutKind(asked))
  // A metric of the same name wins: "revenue" stays a metric question.
  if (catalog.metrics.some((m) => [m.name, m.label ?? ''].some((n) => n !== '' && key(content(nameStems(n))) === exact))) return undefined

  const byName: Array<{ entry: CatalogSavedQuery; how: string }> = []
  for (const entry of saved) {
    const names: Array<[string, string]> = [[entry.name, 'name'], ...(entry.label ? [[entry.label, 'label'] as [string, string]] : []),
      ...(entry.synonyms ?? []).map((s) => [s, 'synonym'] as [string, string])]
    for (const [text, how] of names) {
      const own = content(nameStems(text))
      if (own.length === 0) continue
      if (key(own) === exact || (loose !== '' && key(withoutKind(own)) === loose)) {
        byName.push({ entry, how })
        break
      }
    }
  }
  if (byName.length === 1) return found(byName[0].entry, `runs the saved query "${byName[0].entry.name}" (named by its ${byName[0].how})`, 0.95)
  if (byName.length > 1) return undefined

  // "run the report of sales by week and region": its description, after an explicit run verb.
  if (!stems.some((s) => RUN_VERBS.has(s))) return undefined
  const words = withoutKind(asked)
  if (words.length < 2) return undefined
  const described = saved.filter((e) => {
    if (!e.description) return false
    const own = new Set(tokenize(e.description).map((t) => t.stem))
    return words.every((w) => own.has(w))
  })
  if (described.length !== 1) return undefined
  return found(described[0], `runs the saved query "${described[0].name}" (its description matches)`, 0.8)
}

function found(entry: CatalogSavedQuery, reason: string, confidence: number): SavedQueryMatch {
  return { entry, query: structuredClone(entry.query), reason, confidence }
}
