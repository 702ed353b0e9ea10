// About how many bytes a result row takes as JSON: what a run holds in memory
// for its history record, summary and chart, and then writes to the store.
// Cheap (no serialisation of plain values), never throws (bigint included).

export function rowBytes(row: readonly unknown[]): number {
  let n = 2
  for (const v of row) n += valueBytes(v) + 1
  return n
}

function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length + 2
  if (v === null || v === undefined || typeof v !== 'object') return 24
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))?.length ?? 4
  } catch {
    return 24
  }
}
