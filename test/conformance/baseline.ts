// expected-failures.json: per database, the cases known to fail today and why.
// The conformance test fails on any failure NOT listed (a regression) and
// prints a note for a listed case that now passes (so the list only shrinks).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENGINE_NAMES, isEngineName, type EngineName } from './engines/engine'

export const BASELINE_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'expected-failures.json')

export interface BaselineEntry {
  case: string
  reason: string
}

export type Baseline = Record<EngineName, BaselineEntry[]>

export function parseBaseline(text: string, source = BASELINE_PATH): Baseline {
  const raw: unknown = JSON.parse(text)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source}: expected an object keyed by database`)
  const out = Object.fromEntries(ENGINE_NAMES.map((n) => [n, [] as BaselineEntry[]])) as Baseline
  for (const [db, entries] of Object.entries(raw as Record<string, unknown>)) {
    if (db.startsWith('$')) continue // "$comment" and the like
    if (!isEngineName(db)) throw new Error(`${source}: unknown database '${db}'`)
    if (!Array.isArray(entries)) throw new Error(`${source}: '${db}' must be a list`)
    const seen = new Set<string>()
    for (const e of entries as unknown[]) {
      const rec = e as { case?: unknown; reason?: unknown }
      if (typeof rec?.case !== 'string' || typeof rec.reason !== 'string' || rec.reason.trim() === '') {
        throw new Error(`${source}: every '${db}' entry needs a case and a non-empty reason`)
      }
      if (seen.has(rec.case)) throw new Error(`${source}: '${db}' lists ${rec.case} twice`)
      seen.add(rec.case)
      out[db].push({ case: rec.case, reason: rec.reason })
    }
  }
  return out
}

export function loadBaseline(file = BASELINE_PATH): Baseline {
  return parseBaseline(readFileSync(file, 'utf8'), file)
}
