// Joins what the database says about each column (type) with what the
// semantic layer says (kind, label, format), and shapes values for JSON.
import type { Column } from '../../connectors/connector'
import type { OutputColumn } from '../../semantic/types'

export interface ResultColumn {
  name: string
  type: Column['type']
  json_type: Column['json_type']
  kind?: OutputColumn['kind']
  label?: string
  format?: OutputColumn['format']
  grain?: OutputColumn['grain']
}

export function resultColumns(db: Column[], semantic: OutputColumn[] = []): ResultColumn[] {
  const byName = new Map(semantic.map((c) => [c.name.toLowerCase(), c]))
  return db.map((c) => {
    const s = byName.get(c.name.toLowerCase())
    const numericMetric = s?.kind === 'metric' && (c.type === 'decimal' || c.type === 'bigint')
    return {
      name: s?.name ?? c.name,
      type: c.type,
      // Metric figures are analytical values: sent as JSON numbers (doubles),
      // like every BI tool shows them. Ids and dimensions keep exact strings.
      json_type: numericMetric ? 'number' : c.json_type,
      ...(s ? { kind: s.kind, label: s.label, format: s.format, grain: s.grain } : {}),
    }
  })
}

/**
 * Per-column converters for a batch of rows (the rows themselves where nothing
 * changes). `owned`: the caller hands rows nobody else holds, so they are
 * converted in place; otherwise each converted row is a copy (a cached result
 * or the cache recorder keeps the originals). One loop over the columns that
 * convert, no closure per value: this runs for every streamed row.
 */
export function rowShaper(db: Column[], cols: ResultColumn[]): (rows: unknown[][], owned: boolean) => unknown[][] {
  const idx: number[] = []
  cols.forEach((c, i) => { if (c.json_type === 'number' && db[i].json_type === 'string') idx.push(i) })
  if (idx.length === 0) return (rows) => rows
  return (rows, owned) => {
    const out = owned ? rows : new Array<unknown[]>(rows.length)
    for (let r = 0; r < rows.length; r++) {
      const row = owned ? rows[r] : rows[r].slice()
      for (let k = 0; k < idx.length; k++) {
        const v = row[idx[k]]
        if (typeof v === 'string') row[idx[k]] = Number(v)
      }
      out[r] = row
    }
    return out
  }
}

export function rowObject(cols: ResultColumn[], row: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (let i = 0; i < cols.length; i++) o[cols[i].name] = row[i]
  return o
}

export function rowsToObjects(cols: ResultColumn[], rows: unknown[][]): Array<Record<string, unknown>> {
  return rows.map((r) => rowObject(cols, r))
}
