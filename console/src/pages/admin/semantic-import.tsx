// Import dbt MetricFlow YAML files or a semantic_manifest.json, picked or
// dropped; the API's problems come back with file, YAML path and line.
import { useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'

interface ImportNote { file?: string; path: string; line?: number; message: string }
interface ImportResult {
  models: number; metrics: number; dimensions: number; saved_queries: number; time_spines: number; mode: string
  warnings: ImportNote[]; sample_values?: { refreshed: number; failed: Array<{ dimension: string; reason: string }> }
}
export interface Problem { file?: string; path?: string; line?: number; message: string }

/** A manifest is one JSON file (dbt's target/semantic_manifest.json); anything else is the project's YAML. */
export function importFormat(files: Array<{ path: string; content: string }>): 'dbt_semantic_manifest' | 'metricflow' {
  return files.length === 1 && /\.json$/i.test(files[0].path) ? 'dbt_semantic_manifest' : 'metricflow'
}

/** The API's 422 details (file, path, line, issue) as problems to list. */
export function problemsOf(e: unknown): Problem[] {
  if (!(e instanceof ApiError)) return []
  return e.details.filter((d) => d.file !== undefined || d.line !== undefined || e.code === 'invalid_model')
    .map((d) => ({ file: d.file as string | undefined, path: d.path, line: d.line as number | undefined, message: String(d.issue ?? d.message ?? '') }))
}

export function ProblemList(props: { problems: Problem[]; label: string }) {
  if (props.problems.length === 0) return null
  return (
    <ul class="problems" aria-label={props.label}>
      {props.problems.map((p, i) => (
        <li key={i}>
          {p.file && <code class="where">{p.file}{p.line ? `:${p.line}` : ''}</code>}
          {p.path && <code class="path">{p.path}</code>}
          <span>{p.message}</span>
        </li>
      ))}
    </ul>
  )
}

export function SemanticImport(props: { connectionId: string; onImported: () => void }) {
  const [files, setFiles] = useState<Array<{ path: string; content: string }>>([])
  const [mode, setMode] = useState<'merge' | 'replace'>('merge')
  const [over, setOver] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [error, setError] = useState<unknown>(null)
  const take = async (list: FileList | null) => {
    if (!list) return
    const picked = await Promise.all([...list].filter((f) => /\.(ya?ml|json)$/i.test(f.name)).map(async (f) => ({ path: f.webkitRelativePath || f.name, content: await f.text() })))
    setFiles(picked); setResult(null); setError(null)
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true); setResult(null); setError(null)
    try {
      setResult(await api.post<ImportResult>('/api/v1/semantic/import', { connection_id: props.connectionId, format: importFormat(files), files, mode }))
      props.onImported()
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  const problems = problemsOf(error)
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="import-title">
      <h2 id="import-title">Import from dbt</h2>
      <p class="muted small">The YAML files of a dbt project (semantic models, metrics, saved queries), or dbt’s compiled <code>target/semantic_manifest.json</code>.</p>
      <div
        class={`drop${over ? ' over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setOver(true) }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); if (input.current) input.current.value = ''; void take(e.dataTransfer?.files ?? null) }}
      >
        <FormField id="import-files" label="dbt files" hint="Drop .yml/.yaml files or a semantic_manifest.json here, or choose them.">
          <input ref={input} id="import-files" type="file" multiple accept=".yml,.yaml,.json" onChange={(e) => void take((e.target as HTMLInputElement).files)} />
        </FormField>
        {files.length > 0 && <p class="small" aria-live="polite">{files.length} file{files.length === 1 ? '' : 's'}: {files.map((f) => f.path).join(', ')} ({importFormat(files) === 'dbt_semantic_manifest' ? 'semantic manifest' : 'MetricFlow YAML'})</p>}
      </div>
      <FormField id="import-mode" label="Mode" hint="Merge keeps labels, synonyms and formats the files do not set; replace drops what the files do not carry.">
        <select id="import-mode" value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as 'merge' | 'replace')}>
          <option value="merge">merge</option><option value="replace">replace</option>
        </select>
      </FormField>
      <div class="actions"><button type="submit" class="primary" disabled={busy || files.length === 0}>{busy ? 'Importing…' : 'Import'}</button></div>
      <div aria-live="polite">
        {result && (
          <div class="notice ok" role="status">
            <p><strong>Imported.</strong> {result.models} models, {result.metrics} metrics, {result.dimensions} dimensions, {result.saved_queries} saved queries ({result.mode}).</p>
            <ProblemList problems={result.warnings} label="Import warnings" />
          </div>
        )}
      </div>
      <ErrorMessage error={problems.length ? new Error(`The import was refused: ${problems.length} problem${problems.length === 1 ? '' : 's'}. Nothing was changed.`) : error} />
      <ProblemList problems={problems} label="Import problems" />
    </form>
  )
}
