// Ask: a question in, a streamed answer out; follow-ups stay in the conversation.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, type Page } from '../api'
import { useSession } from '../session'
import { readEvents } from '../sse'
import { applyEvent, fromJson, newAnswer, type Answer, type JsonAnswer } from '../answer'
import { ResultView } from '../components/result-view'
import { ErrorMessage } from '../components/error-message'
import { useLocation } from '../router'

export interface ConnectionSummary { id: string; name: string; type: string; is_default: boolean }
interface Candidate { id: string; phrase: string }
interface Turn { question: string; summary: string | null | undefined; status: Answer['status'] }

export function useConnections() {
  const [connections, setConnections] = useState<ConnectionSummary[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<Page<ConnectionSummary>>('/api/v1/connections', { limit: 100 }).then((p) => setConnections(p.data), (e) => { setError(e); setConnections([]) })
  }, [])
  return { connections, error }
}

export function AskPage() {
  const session = useSession()
  const { query } = useLocation()
  const { connections, error: connError } = useConnections()
  const [connectionId, setConnectionId] = useState('')
  const [question, setQuestion] = useState(query.get('q') ?? '')
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [clarify, setClarify] = useState<{ question: string; message: string; candidates: Candidate[] } | null>(null)
  const [conversation, setConversation] = useState<{ id: string; connectionId: string } | null>(null)
  const [turns, setTurns] = useState<Turn[]>([])
  const abort = useRef<AbortController | null>(null)

  useEffect(() => {
    if (!connections?.length || connectionId) return
    const wanted = query.get('connection')
    setConnectionId((connections.find((c) => c.id === wanted) ?? connections.find((c) => c.is_default) ?? connections[0]).id)
  }, [connections])
  useEffect(() => () => abort.current?.abort(), [])

  const running = answer?.status === 'running'
  const finish = (a: Answer) => {
    setAnswer(a)
    setTurns((t) => [...t, { question: a.question, summary: a.summary, status: a.status }])
    // The stream does not name the conversation; the history record does.
    if (a.id && a.status === 'succeeded') {
      api.get<{ conversation_id: string | null; connection_id: string }>(`/api/v1/query/${a.id}`)
        .then((r) => { if (r.conversation_id) setConversation({ id: r.conversation_id, connectionId: r.connection_id }) })
        .catch(() => {})
    }
  }

  const ask = async (q: string) => {
    const text = q.trim()
    if (!text || running) return
    setError(null)
    setClarify(null)
    const controller = new AbortController()
    abort.current = controller
    let current = newAnswer(text)
    setAnswer(current)
    const body = conversation ? { question: text, conversation_id: conversation.id } : { question: text, connection_id: connectionId || undefined }
    try {
      const res = await api.stream('/api/v1/query/stream', body, controller.signal)
      for await (const ev of readEvents(res.body!)) {
        if (ev.event === 'error') throw Object.assign(new Error('stream error'), { body: JSON.parse(ev.data) })
        current = applyEvent(current, ev)
        setAnswer(current)
      }
      if (current.status === 'running') current = { ...current, status: 'failed' }
      finish(current)
    } catch (e) {
      if (controller.signal.aborted) {
        finish({ ...current, status: 'cancelled' })
        return
      }
      setAnswer(null)
      const streamed = (e as { body?: { error: { code: string; message: string; details: never[]; request_id: string } } }).body
      const err = streamed ? new ApiError(422, streamed.error.code, streamed.error.message, streamed.error.details, streamed.error.request_id) : e
      if (err instanceof ApiError && err.code === 'ambiguous_question') {
        const candidates = (err.details[0]?.candidates as Candidate[] | undefined) ?? []
        setClarify({ question: text, message: err.message, candidates })
      } else {
        setError(err)
      }
    } finally {
      if (abort.current === controller) abort.current = null
    }
  }

  const confirm = async (c: Candidate) => {
    if (!clarify) return
    setClarify(null)
    setError(null)
    setAnswer(newAnswer(clarify.question))
    try {
      const body = conversation
        ? { question: clarify.question, interpretation: c.id, conversation_id: conversation.id }
        : { question: clarify.question, interpretation: c.id, connection_id: connectionId || undefined }
      const j = await api.post<JsonAnswer>('/api/v1/query', body)
      if (j.conversation_id) setConversation({ id: j.conversation_id, connectionId: j.connection_id })
      const a = fromJson(clarify.question, j)
      setAnswer(a)
      setTurns((t) => [...t, { question: a.question, summary: a.summary, status: a.status }])
    } catch (e) {
      setAnswer(null)
      setError(e)
    }
  }

  const newConversation = () => { setConversation(null); setTurns([]); setAnswer(null); setError(null); setClarify(null) }
  const canRun = session.can('query:run')

  return (
    <div class="page ask">
      <h1>Ask</h1>
      {!canRun ? (
        <p class="notice">Your role ({session.role ?? 'key'}) can read answers in History but cannot run questions. Ask an admin for the analyst role.</p>
      ) : (
        <form class="ask-form" onSubmit={(e) => { e.preventDefault(); void ask(question) }}>
          <div class="ask-row">
            <div class="field grow">
              <label for="question">Ask a question</label>
              <input id="question" type="text" value={question} maxLength={2000} autoComplete="off" placeholder="e.g. total sales by region last quarter"
                onInput={(e) => setQuestion((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="connection">Connection</label>
              <select id="connection" value={conversation?.connectionId ?? connectionId} disabled={!!conversation}
                onChange={(e) => setConnectionId((e.target as HTMLSelectElement).value)}>
                {(connections ?? []).map((c) => <option key={c.id} value={c.id}>{c.name} ({c.type})</option>)}
              </select>
            </div>
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={running || !question.trim()}>Ask</button>
            {running && <button type="button" onClick={() => abort.current?.abort()}>Cancel</button>}
            {conversation && <button type="button" class="link" onClick={newConversation}>New conversation</button>}
          </div>
          {conversation && <p class="muted small">Follow-ups continue this conversation on the same connection.</p>}
        </form>
      )}
      <ErrorMessage error={connError} />
      {turns.length > 1 && (
        <section class="turns" aria-label="Conversation">
          <h2>Conversation</h2>
          <ol>{turns.slice(0, -1).map((t, i) => <li key={i}><span class="q">{t.question}</span>{t.summary ? <span class="muted"> — {t.summary}</span> : <span class="muted"> — {t.status}</span>}</li>)}</ol>
        </section>
      )}
      {clarify && (
        <section class="clarify" aria-label="Clarification">
          <p>{clarify.message}</p>
          <p>Did you mean:</p>
          <div class="candidates">
            {clarify.candidates.map((c) => <button key={c.id} type="button" onClick={() => void confirm(c)}>{c.phrase}</button>)}
          </div>
          <p class="muted small">Or rephrase the question above.</p>
        </section>
      )}
      <ErrorMessage error={error} />
      {answer && answer.status === 'running' && answer.columns.length === 0 && <p class="muted" role="status">Working on it…</p>}
      {answer?.status === 'cancelled' && <p class="notice" role="status">Cancelled. The query was stopped in the database.</p>}
      {answer && <ResultView answer={answer} />}
    </div>
  )
}
