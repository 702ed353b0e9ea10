// What the demo warehouse keeps on disk between starts (under
// <data dir>/demo): the data directory it built today, so a restart loads it
// in a moment instead of creating a database and inserting every row again,
// and the key of the data its sample values were read from, so a warm start
// need not touch the warehouse at all.
//
// The key is a hash of the data itself (and of the tables' DDL): it changes
// when the day changes (the data always ends today) and whenever the
// generator changes, so a cached file can never serve other data than the
// generator would produce now.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { generateDemoDataset, type DemoDataset } from './dataset'
import { DEMO_DDL } from './ddl'

export interface DemoDataKey { key: string; lastDay: string }

export function demoDataKey(data: DemoDataset): DemoDataKey {
  const key = createHash('sha256').update(DEMO_DDL).update(JSON.stringify(data)).digest('hex').slice(0, 16)
  return { key, lastDay: data.lastDay }
}

/** The key of the data a server starting now (with data ending on `today`) serves. */
export const demoDataKeyFor = (today: Date): DemoDataKey => demoDataKey(generateDemoDataset(today))

export const snapshotFile = (dir: string, k: DemoDataKey) => path.join(dir, `warehouse-${k.lastDay}-${k.key}.tar`)

/** Writes the snapshot atomically and drops those of other days or generators. */
export function saveSnapshot(dir: string, k: DemoDataKey, bytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true })
  const file = snapshotFile(dir, k)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, bytes)
  renameSync(tmp, file)
  for (const f of readdirSync(dir)) {
    if (f.startsWith('warehouse-') && path.join(dir, f) !== file && !f.endsWith('.tmp')) rmSync(path.join(dir, f), { force: true })
  }
}

const valuesFile = (dir: string) => path.join(dir, 'sample-values.key')

/**
 * True when the demo layer's sample values were last read from exactly this
 * data, for this demo connection (another store has another connection id).
 */
export function sampleValuesCurrent(dir: string, k: DemoDataKey, connectionId: string): boolean {
  return existsSync(valuesFile(dir)) && readFileSync(valuesFile(dir), 'utf8').trim() === `${k.key} ${connectionId}`
}

/**
 * True when the sample values were last read from this data, whatever the
 * connection: false on a first start and on the first start of a new day, the
 * starts whose bootstrap reads them (and so needs the warehouse).
 */
export function sampleValuesReadFrom(dir: string, k: DemoDataKey): boolean {
  return existsSync(valuesFile(dir)) && readFileSync(valuesFile(dir), 'utf8').trim().split(' ')[0] === k.key
}

export function markSampleValues(dir: string, k: DemoDataKey, connectionId: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(valuesFile(dir), `${k.key} ${connectionId}\n`)
}
