// A local OpenAI-compatible HTTP server that tests script call by call. The
// real `openai` SDK talks to it, so retries, timeouts, headers and parsing are
// exercised exactly as they would be against OpenAI, vLLM or Ollama.
//
// Usage:
//   const llm = await startFakeOpenAIServer()
//   llm.enqueue(reply.plan({ kind: 'semantic', query: {...}, ... }), reply.serverError())
//   ... createLlmPlanner({ apiKey: 'sk-test', baseURL: llm.url, model: 'fake' }) ...
//   expect(llm.requests[0].body.messages[1].content).toContain(...)
//   await llm.close()
//
// An empty queue answers 500 with "no scripted response" so a test that makes
// more calls than it scripted fails loudly instead of hanging.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeUsage { prompt_tokens: number; completion_tokens: number; total_tokens?: number }

export type FakeReply =
  /** A chat completion whose assistant message has this text content. */
  | { type: 'content'; content: string; finishReason?: 'stop' | 'length' | 'content_filter'; usage?: FakeUsage; delayMs?: number }
  /** A chat completion with `message.refusal` set (OpenAI structured-output refusals). */
  | { type: 'refusal'; refusal: string; usage?: FakeUsage; delayMs?: number }
  /** A chat completion whose assistant message calls a tool with these raw arguments. */
  | { type: 'tool_call'; name: string; arguments: string; usage?: FakeUsage; delayMs?: number }
  /** An HTTP error with an OpenAI-style error body (or a custom raw body). */
  | { type: 'error'; status: number; message?: string; code?: string; param?: string; headers?: Record<string, string>; rawBody?: string; delayMs?: number }
  /** Anything: status, headers and raw body bytes as given. */
  | { type: 'raw'; status: number; headers?: Record<string, string>; body: string; delayMs?: number }
  /** Accepts the request and drops the connection without answering. */
  | { type: 'hang_up'; delayMs?: number }

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  /** Parsed JSON body (undefined when the body was not JSON). */
  body: ChatRequestBody
  rawBody: string
  receivedAt: number
}

/** The parts of a chat-completions request body tests look at. */
export interface ChatRequestBody {
  model?: string
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>
  response_format?: { type: string; json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean } }
  tools?: Array<{ type: string; function: { name: string; parameters?: Record<string, unknown> } }>
  tool_choice?: unknown
  max_tokens?: number
  max_completion_tokens?: number
  temperature?: number
  [key: string]: unknown
}

export interface FakeOpenAIServer {
  /** Base URL to give the SDK, ending in /v1. */
  url: string
  requests: RecordedRequest[]
  enqueue(...replies: FakeReply[]): void
  /** Replies not consumed yet. */
  pending(): number
  /** Forget recorded requests and queued replies. */
  reset(): void
  close(): Promise<void>
}

const DEFAULT_USAGE: FakeUsage = { prompt_tokens: 100, completion_tokens: 20 }

/** Builders for common replies. */
export const reply = {
  /** The model answers with this object as JSON text (as with response_format json_schema). */
  json(answer: unknown, extra: { finishReason?: 'stop' | 'length'; usage?: FakeUsage; delayMs?: number } = {}): FakeReply {
    return { type: 'content', content: JSON.stringify(answer), ...extra }
  },
  /** The model ignores json_schema and wraps its JSON in prose and a ```json fence. */
  fencedJson(answer: unknown, extra: { usage?: FakeUsage } = {}): FakeReply {
    return { type: 'content', content: 'Here is the plan:\n```json\n' + JSON.stringify(answer, null, 2) + '\n```\nLet me know if you need more.', ...extra }
  },
  /** The model answers through a tool call (function calling). */
  toolCall(answer: unknown, name = 'submit_plan', extra: { usage?: FakeUsage } = {}): FakeReply {
    return { type: 'tool_call', name, arguments: JSON.stringify(answer), ...extra }
  },
  text(content: string, extra: { finishReason?: 'stop' | 'length' | 'content_filter'; usage?: FakeUsage; delayMs?: number } = {}): FakeReply {
    return { type: 'content', content, ...extra }
  },
  /** A JSON answer cut off in the middle, with finish_reason "length". */
  truncated(answer: unknown, extra: { usage?: FakeUsage } = {}): FakeReply {
    const full = JSON.stringify(answer)
    return { type: 'content', content: full.slice(0, Math.max(1, Math.floor(full.length / 2))), finishReason: 'length', ...extra }
  },
  refusal(text = "I'm sorry, I can't help with that.", extra: { usage?: FakeUsage } = {}): FakeReply {
    return { type: 'refusal', refusal: text, ...extra }
  },
  rateLimited(retryAfter?: string, extra: { headers?: Record<string, string> } = {}): FakeReply {
    return {
      type: 'error', status: 429, message: 'Rate limit reached for requests', code: 'rate_limit_exceeded',
      headers: { ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}), ...extra.headers },
    }
  },
  serverError(status = 500, message = 'The server had an error while processing your request.'): FakeReply {
    return { type: 'error', status, message, code: 'server_error' }
  },
  badRequest(message: string, param?: string, code = 'invalid_request_error'): FakeReply {
    return { type: 'error', status: 400, message, param, code }
  },
  /** Any reply, delayed (to exceed the client's timeout). */
  slow<T extends FakeReply>(r: T, delayMs: number): T {
    return { ...r, delayMs }
  },
  hangUp(): FakeReply {
    return { type: 'hang_up' }
  },
}

function completionBody(r: Extract<FakeReply, { type: 'content' | 'refusal' | 'tool_call' }>, model: string, seq: number): unknown {
  const usage = r.usage ?? DEFAULT_USAGE
  const message: Record<string, unknown> = { role: 'assistant', content: null, refusal: null }
  let finish: string = 'stop'
  if (r.type === 'content') {
    message.content = r.content
    finish = r.finishReason ?? 'stop'
  } else if (r.type === 'refusal') {
    message.refusal = r.refusal
  } else {
    message.tool_calls = [{ id: `call_${seq}`, type: 'function', function: { name: r.name, arguments: r.arguments } }]
    finish = 'tool_calls'
  }
  return {
    id: `chatcmpl-fake-${seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens },
  }
}

export async function startFakeOpenAIServer(): Promise<FakeOpenAIServer> {
  const queue: FakeReply[] = []
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let seq = 0

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      let body: ChatRequestBody
      try { body = JSON.parse(rawBody) as ChatRequestBody } catch { body = { messages: [] } }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, rawBody, receivedAt: Date.now() })
      seq += 1
      const r: FakeReply = queue.shift() ?? { type: 'error', status: 500, message: `fake-openai-server: no scripted response for request #${seq}` }
      const respond = () => {
        timers.delete(timer)
        if (res.destroyed || res.writableEnded) return
        send(r, body.model ?? 'fake-model', seq, req, res)
      }
      const timer = setTimeout(respond, r.delayMs ?? 0)
      timers.add(timer)
      // The client gave up (timeout or cancellation): stop the pending reply.
      res.on('close', () => { clearTimeout(timer); timers.delete(timer) })
    })
  })

  function send(r: FakeReply, model: string, n: number, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (r.type === 'hang_up') { req.socket.destroy(); return }
    if (r.type === 'raw') {
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers })
      res.end(r.body)
      return
    }
    if (r.type === 'error') {
      const body = r.rawBody ?? JSON.stringify({ error: { message: r.message ?? `error ${r.status}`, type: r.status >= 500 ? 'server_error' : 'invalid_request_error', param: r.param ?? null, code: r.code ?? null } })
      // x-should-retry is left out on purpose: retry decisions must not depend on it.
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers })
      res.end(body)
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(completionBody(r, model, n)))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => { queue.push(...replies) },
    pending: () => queue.length,
    reset: () => { queue.length = 0; requests.length = 0; seq = 0 },
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t)
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
