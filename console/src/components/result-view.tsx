// An answer: summary, chart, table, the SQL disclosure and the CSV download.
import type { Answer } from '../answer'
import { columnLabel, formatCell, isNumericColumn, type Column } from '../format'
import { DataTable, type TableColumn } from './data-table'
import { Chart } from './chart'
import { csvLine } from '../../../src/query/csv'

/** Rows drawn in the page; the CSV has them all. */
export const TABLE_ROW_LIMIT = 500

function downloadCsv(a: Answer) {
  const text = csvLine(a.columns.map((c) => c.name)) + a.rows.map((r) => csvLine(r)).join('')
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = `${a.id ?? 'answer'}.csv`
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function ResultView(props: { answer: Answer }) {
  const a = props.answer
  const labelOf = (field: string) => { const c = a.columns.find((x) => x.name === field); return c ? columnLabel(c) : field }
  const columns: TableColumn<unknown[]>[] = a.columns.map((c: Column, i) => ({
    key: c.name, label: columnLabel(c), numeric: isNumericColumn(c),
    value: (r) => r[i], render: (r) => formatCell(r[i], c),
  }))
  const shown = a.rows.length > TABLE_ROW_LIMIT ? a.rows.slice(0, TABLE_ROW_LIMIT) : a.rows
  return (
    <section class="answer" aria-label="Answer">
      {a.summary && <p class="summary">{a.summary}</p>}
      {a.status === 'succeeded' && a.chart ? <Chart spec={a.chart} labelOf={labelOf} /> : null}
      {a.columns.length > 0 && (
        <>
          <div class="result-meta">
            <span aria-live="polite">
              {a.status === 'running' ? `${a.rows.length.toLocaleString('en-US')} rows so far…` : `${(a.rowCount ?? a.rows.length).toLocaleString('en-US')} rows`}
              {a.truncated ? ' (truncated at the row limit)' : ''}
              {a.executionMs !== undefined ? ` · ${a.executionMs.toLocaleString('en-US')} ms` : ''}
              {a.rows.length > TABLE_ROW_LIMIT ? ` · showing the first ${TABLE_ROW_LIMIT}` : ''}
            </span>
            {a.status === 'succeeded' && <button type="button" onClick={() => downloadCsv(a)}>Download CSV</button>}
          </div>
          <DataTable columns={columns} rows={shown} caption={a.question} />
        </>
      )}
      {(a.sql || a.explanation) && (
        <details class="sql">
          <summary>SQL</summary>
          {a.explanation && <p><strong>Explanation.</strong> {a.explanation}</p>}
          {a.reasons && a.reasons.length > 0 && (
            <div><strong>Interpretation.</strong><ul>{a.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul></div>
          )}
          {a.sql && <pre><code>{a.sql}</code></pre>}
          {a.params && a.params.length > 0 && (
            <p><strong>Parameters.</strong> {a.params.map((p, i) => <code key={i} class="param">${i + 1} = {JSON.stringify(p)}</code>)}</p>
          )}
          {a.sqlInline && a.sqlInline !== a.sql && <><p class="muted small">With the parameters written in (display only):</p><pre><code>{a.sqlInline}</code></pre></>}
        </details>
      )}
    </section>
  )
}
