// A real <table> with sortable columns: each header is a button, and the
// sorted column says so with aria-sort. Cells are text (never HTML).
import type { ComponentChildren } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import { compareCells } from '../format'

export interface TableColumn<R> {
  key: string
  label: string
  /** The cell's content; text by default. */
  render?: (row: R) => ComponentChildren
  /** The value sorted on (default: row[key]); omit `sortable` to keep a column fixed. */
  value?: (row: R) => unknown
  numeric?: boolean
  /** Keep the cell on one line (dates, keys). */
  nowrap?: boolean
  sortable?: boolean
}

export function DataTable<R>(props: { columns: TableColumn<R>[]; rows: R[]; caption?: string; empty?: string; rowKey?: (row: R, i: number) => string }) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null)
  const valueOf = (c: TableColumn<R>, r: R) => (c.value ? c.value(r) : (r as Record<string, unknown>)[c.key])
  const rows = useMemo(() => {
    if (!sort) return props.rows
    const col = props.columns.find((c) => c.key === sort.key)
    if (!col) return props.rows
    return [...props.rows].sort((a, b) => sort.dir * compareCells(valueOf(col, a), valueOf(col, b)))
  }, [props.rows, props.columns, sort])
  const toggle = (key: string) => setSort((s) => (s?.key === key ? (s.dir === 1 ? { key, dir: -1 } : null) : { key, dir: 1 }))
  return (
    <div class="table-wrap">
      <table>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => {
              const sorted = sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined
              return (
                <th scope="col" key={c.key} class={c.numeric ? 'num' : undefined} aria-sort={sorted}>
                  {c.sortable === false ? c.label : (
                    <button type="button" class="sort" onClick={() => toggle(c.key)}>
                      {c.label}<span aria-hidden="true" class="sort-mark">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
                    </button>
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={props.columns.length} class="empty">{props.empty ?? 'No rows.'}</td></tr>}
          {rows.map((r, i) => (
            <tr key={props.rowKey ? props.rowKey(r, i) : i}>
              {props.columns.map((c) => <td key={c.key} class={[c.numeric && 'num', c.nowrap && 'nowrap'].filter(Boolean).join(' ') || undefined}>{c.render ? c.render(r) : String(valueOf(c, r) ?? '')}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
