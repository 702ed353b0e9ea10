// The transport to an OpenAI-compatible chat-completions endpoint, with the
// reliability rules Nexatron needs and the SDK does not give exactly:
//  - retries only on 429 and 5xx (and refused/reset connections), never on
//    other 4xx (the SDK would also retry 408/409 and obey `x-should-retry`);
//  - honours Retry-After (seconds or HTTP date) and retry-after-ms, and gives
//    up at once when the server asks for a longer wait than we allow, instead
//    of holding the user's request;
//  - a per-attempt timeout that is not retried (the user already waited);
//  - cancellation through the caller's AbortSignal, also during backoff;
//  - a cap on the response size, so a hostile or broken server cannot make us
//    buffer gigabytes;
//  - errors that never carry the API key or the provider's raw text.
//  The SDK itself is loaded on the first request (about 100-150 ms of start-up
//  otherwise paid by every server, most of which never call an LLM).
import type OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions'
import { PlanningError } from '../planner'

export interface ChatClientOptions {
  apiKey: string
  /** OpenAI-compatible base URL (OpenAI, Azure OpenAI's /openai/v1, vLLM, Ollama, LM Studio). Default OpenAI. */
  baseURL?: string
  model: string
  /** Per-attempt timeout (default 30 000 ms). A timed-out attempt is not retried. */
  timeoutMs?: number
  /** Retries after 429/5xx/connection failures (default 2). */
  maxRetries?: number
  /** First backoff delay; doubles per retry, with jitter (default 500 ms). */
  retryBaseDelayMs?: number
  /** Longest wait between attempts; a longer Retry-After ends retrying (default 20 000 ms). */
  maxRetryDelayMs?: number
  /** Largest response body accepted (default 1 MiB: a plan is a few KB, and every byte is parsed on the event loop). */
  maxResponseBytes?: number
  organization?: string
  /** Extra headers (e.g. Azure's api-key, a gateway's routing header). */
  defaultHeaders?: Record<string, string>
}

/** The server rejected the request itself (400/422): the caller may adapt the parameters once. */
export class LlmRequestRejectedError extends Error {
  constructor(readonly status: number, message: string, readonly param?: string, readonly code?: string) {
    super(message)
    this.name = 'LlmRequestRejectedError'
  }
}

/** The response body exceeded `maxResponseBytes`. */
export class LlmResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the LLM response exceeded ${limit} bytes`)
    this.name = 'LlmResponseTooLargeError'
  }
}

export type ChatParams = Omit<ChatCompletionCreateParamsNonStreaming, 'model' | 'stream'>

export interface ChatClient {
  readonly model: string
  complete(params: ChatParams, signal: AbortSignal): Promise<ChatCompletion>
}

export const CHAT_DEFAULTS = {
  baseURL: 'https://api.openai.com/v1',
  timeoutMs: 30_000,
  maxRetries: 2,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 20_000,
  maxResponseBytes: 1024 * 1024,
} as const

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(abortError(signal)); return }
    const onAbort = () => { clearTimeout(timer); reject(abortError(signal)) }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** A fetch whose response bodies error once they pass `maxBytes`. */
function sizeLimitedFetch(maxBytes: number): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init)
    const declared = Number(res.headers.get('content-length'))
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined)
      throw new LlmResponseTooLargeError(maxBytes)
    }
    if (!res.body) return res
    let seen = 0
    const limited = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength
        if (seen > maxBytes) controller.error(new LlmResponseTooLargeError(maxBytes))
        else controller.enqueue(chunk)
      },
    }))
    return new Response(limited, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
}

function findInCauses<T>(err: unknown, pred: (e: unknown) => e is T): T | undefined {
  let cur: unknown = err
  for (let depth = 0; cur && depth < 8; depth++) {
    if (pred(cur)) return cur
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/** Retry-After as milliseconds: `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms))
  const ra = headers.get('retry-after')
  if (ra === null || ra.trim() === '') return undefined
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000)
  const at = Date.parse(ra)
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined
}

/** Removes anything that looks like a credential from provider text. */
function redact(text: string, apiKey: string): string {
  // Provider text is clipped first: the clean-up never scans a large hostile body.
  let t = text.slice(0, 4_000)
  if (apiKey.length >= 4) t = t.split(apiKey).join('[redacted]')
  return t.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*-]{6,}/g, '[redacted]').replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').slice(0, 300)
}

interface Failure { retryable: boolean; retryAfter?: number; error: Error }

export function createChatClient(options: ChatClientOptions): ChatClient {
  if (!options.apiKey) throw new Error('LLM planner: apiKey is required')
  if (!options.model) throw new Error('LLM planner: model is required')
  const timeoutMs = options.timeoutMs ?? CHAT_DEFAULTS.timeoutMs
  const maxRetries = options.maxRetries ?? CHAT_DEFAULTS.maxRetries
  const baseDelay = options.retryBaseDelayMs ?? CHAT_DEFAULTS.retryBaseDelayMs
  const maxDelay = options.maxRetryDelayMs ?? CHAT_DEFAULTS.maxRetryDelayMs
  const maxBytes = options.maxResponseBytes ?? CHAT_DEFAULTS.maxResponseBytes
  const apiKey = options.apiKey

  // Everything is passed explicitly so the SDK reads no OPENAI_* environment
  // variable behind config.ts's back (base URL, organisation, project, logging).
  const makeSdk = (Sdk: typeof OpenAI) => new Sdk({
    apiKey,
    baseURL: options.baseURL ?? CHAT_DEFAULTS.baseURL,
    organization: options.organization ?? null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: 'off',
    defaultHeaders: options.defaultHeaders,
    fetch: sizeLimitedFetch(maxBytes),
  })
  let loaded: Promise<{ sdk: OpenAI; mod: typeof import('openai') }> | undefined
  const load = () => {
    loaded ??= import('openai').then((mod) => ({ mod, sdk: makeSdk(mod.default) }))
    loaded.catch(() => { loaded = undefined })
    return loaded
  }

  const classify = (err: unknown, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError }: typeof import('openai')): Failure => {
    const tooLarge = findInCauses(err, (e): e is LlmResponseTooLargeError => e instanceof LlmResponseTooLargeError)
    if (tooLarge) return { retryable: false, error: tooLarge }
    if (err instanceof APIConnectionTimeoutError) {
      return { retryable: false, error: new PlanningError('llm_unavailable', `The LLM did not answer within ${timeoutMs} ms.`) }
    }
    if (err instanceof APIUserAbortError) {
      return { retryable: false, error: new PlanningError('llm_unavailable', 'The LLM request was aborted.') }
    }
    if (err instanceof APIConnectionError) {
      return { retryable: true, error: new PlanningError('llm_unavailable', 'The LLM server could not be reached.') }
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const status = err.status
      const code = typeof err.code === 'string' ? err.code : undefined
      const label = code ? `${status} ${code}` : String(status)
      if (status === 429) {
        return { retryable: true, retryAfter: retryAfterMs(err.headers), error: new PlanningError('llm_unavailable', `The LLM provider is rate limiting requests (${label}).`) }
      }
      if (status >= 500) {
        return { retryable: true, retryAfter: retryAfterMs(err.headers), error: new PlanningError('llm_unavailable', `The LLM server failed (${label}).`) }
      }
      if (status === 400 || status === 422) {
        const param = typeof err.param === 'string' ? err.param : undefined
        return { retryable: false, error: new LlmRequestRejectedError(status, redact(err.message, apiKey), param, code) }
      }
      if (status === 401 || status === 403) {
        return { retryable: false, error: new PlanningError('llm_unavailable', `The LLM provider rejected the credentials (${label}); check OPENAI_API_KEY.`) }
      }
      if (status === 404) {
        return { retryable: false, error: new PlanningError('llm_unavailable', `The LLM endpoint or model was not found (${label}); check OPENAI_BASE_URL and NEXATRON_LLM_MODEL.`) }
      }
      return { retryable: false, error: new PlanningError('llm_unavailable', `The LLM provider refused the request (${label}).`) }
    }
    // A 200 whose body is not a chat completion (HTML from a proxy, broken JSON).
    return { retryable: false, error: new PlanningError('llm_unavailable', 'The LLM server returned a response that could not be read.') }
  }

  return {
    model: options.model,
    async complete(params, signal) {
      const { sdk, mod } = await load()
      for (let attempt = 0; ; attempt++) {
        if (signal.aborted) throw abortError(signal)
        let failure: Failure
        try {
          const completion = await sdk.chat.completions.create({ ...params, model: options.model, stream: false }, { signal, timeout: timeoutMs, maxRetries: 0 })
          if (!completion || !Array.isArray(completion.choices)) {
            throw new PlanningError('llm_unavailable', 'The LLM server returned a response that is not a chat completion.')
          }
          return completion
        } catch (err) {
          if (signal.aborted) throw abortError(signal)
          if (err instanceof PlanningError) throw err
          failure = classify(err, mod)
        }
        if (!failure.retryable || attempt >= maxRetries) throw failure.error
        let delay: number
        if (failure.retryAfter !== undefined) {
          if (failure.retryAfter > maxDelay) {
            throw new PlanningError('llm_unavailable', `${failure.error.message} The provider asks to retry after ${Math.ceil(failure.retryAfter / 1000)} s.`)
          }
          delay = failure.retryAfter
        } else {
          // Exponential backoff with jitter (75–100 %), so many waiting requests do not return in lockstep.
          delay = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.75 + Math.random() * 0.25)
        }
        await sleep(delay, signal)
      }
    },
  }
}
