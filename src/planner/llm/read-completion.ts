// Reads the model's answer out of a chat completion, whatever way the server
// delivered it: structured-output content (pure JSON), a tool call's
// arguments, or JSON inside prose or a ```json fence from servers that ignore
// response_format. Refusals (OpenAI's `message.refusal`, a content filter, or
// a plain-text "I can't help with that") are told apart from broken output.
import type { ChatCompletion } from 'openai/resources/chat/completions'

export type CompletionReading =
  | { type: 'json'; value: unknown; raw: string; toolCallId?: string }
  | { type: 'refusal'; text: string }
  /** Output that is not a usable answer; `error` is written for the repair round. */
  | { type: 'invalid'; error: string; raw: string; toolCallId?: string }

export const PLAN_TOOL_NAME = 'submit_plan'

/** Longest answer text considered: a plan is a few KB (raw SQL at most 20 000 characters). */
export const MAX_ANSWER_CHARS = 100_000

const REFUSAL_START = /^(?:I['’]m sorry|I am sorry|Sorry\b|I (?:cannot|can['’]t|can not|won['’]t|will not|am unable|['’]m unable|am not able)|As an AI|I must decline|I refuse)/i

// Model output is untrusted text of up to MAX_ANSWER_CHARS characters, parsed
// on the event loop: everything below is hand-written scanning whose total
// work is linear in the text, with no regular expression over the whole text
// (the one above only sees the first 80 characters). Failed JSON.parse calls
// are costly (each builds an exception), so candidates are parsed only when
// they look like JSON and at most MAX_PARSE_ATTEMPTS times per answer.
const MAX_PARSE_ATTEMPTS = 16

/** Parses `candidate` if it can be JSON and the attempt budget allows; undefined otherwise. */
function tryParse(candidate: string, budget: { attempts: number }): { value: unknown } | undefined {
  const first = candidate.charCodeAt(0)
  const last = candidate.charCodeAt(candidate.length - 1)
  // Only objects and arrays: a plan is an object, and `"x"`/`1` fences are prose.
  if (!((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d))) return undefined
  if (budget.attempts <= 0) return undefined
  budget.attempts--
  try { return { value: JSON.parse(candidate) } } catch { return undefined }
}

/**
 * The first balanced JSON object in `text` (string-aware), or undefined.
 * Linear: at most MAX_PARSE_ATTEMPTS candidate starts, and all scans together
 * read at most about three times the text.
 */
export function findJsonObject(text: string, budget = { attempts: MAX_PARSE_ATTEMPTS }): string | undefined {
  let steps = 3 * text.length + 1_000
  for (let start = text.indexOf('{'); start >= 0 && budget.attempts > 0 && steps > 0; start = text.indexOf('{', start + 1)) {
    let depth = 0
    let inString = false
    let escaped = false
    for (let i = start; i < text.length && steps > 0; i++, steps--) {
      const ch = text.charCodeAt(i)
      if (inString) {
        if (escaped) escaped = false
        else if (ch === 0x5c) escaped = true
        else if (ch === 0x22) inString = false
        continue
      }
      if (ch === 0x22) inString = true
      else if (ch === 0x7b) depth++
      else if (ch === 0x7d) {
        depth--
        if (depth === 0) {
          const candidate = text.slice(start, i + 1)
          steps -= candidate.length
          if (tryParse(candidate, budget)) return candidate
          break
        }
      }
    }
  }
  return undefined
}

function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0x0b || ch === 0x0c || ch === 0xa0 || ch === 0xfeff ||
    ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 || ch === 0x2029 || ch === 0x202f || ch === 0x205f || ch === 0x3000
}

/**
 * The bodies of ``` fences, in order: an opening fence, an optional `json`
 * tag, whitespace, then everything up to the next ```. Each body is read once.
 */
export function* fencedBlocks(text: string): Generator<string> {
  let from = 0
  for (;;) {
    const open = text.indexOf('```', from)
    if (open < 0) return
    let i = open + 3
    if (text.startsWith('json', i) || text.startsWith('JSON', i)) i += 4
    while (i < text.length && isSpace(text.charCodeAt(i))) i++
    const close = text.indexOf('```', i)
    if (close < 0) return // unterminated: no later fence can close either
    yield text.slice(i, close)
    from = close + 3
  }
}

/** JSON from model text: the whole text, else a fenced block, else the first balanced object. */
export function extractJson(text: string): { value: unknown } | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  // Pure JSON (structured output): one attempt, whatever its shape.
  try { return { value: JSON.parse(trimmed) } } catch { /* not pure JSON */ }
  const budget = { attempts: MAX_PARSE_ATTEMPTS - 1 }
  for (const body of fencedBlocks(trimmed)) {
    if (budget.attempts <= 0) break
    const found = tryParse(body.trim(), budget)
    if (found) return found
  }
  const obj = findJsonObject(trimmed, budget)
  if (obj !== undefined) return { value: JSON.parse(obj) }
  return undefined
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '…' : s
}

export function readCompletion(completion: ChatCompletion): CompletionReading {
  const choice = completion.choices[0]
  if (!choice) return { type: 'invalid', error: 'the response contained no answer', raw: '' }
  const message = choice.message ?? { content: null, refusal: null }
  if (typeof message.refusal === 'string' && message.refusal.trim()) return { type: 'refusal', text: clip(message.refusal.trim(), 500) }
  if (choice.finish_reason === 'content_filter') return { type: 'refusal', text: 'the provider\'s content filter stopped the answer' }

  const toolCall = message.tool_calls?.find((c) => c.type === 'function')
  const fromTool = toolCall && toolCall.type === 'function' ? toolCall : undefined
  const raw = fromTool ? fromTool.function.arguments ?? '' : typeof message.content === 'string' ? message.content : ''
  const toolCallId = fromTool?.id

  if (choice.finish_reason === 'length') {
    return { type: 'invalid', error: 'the answer was cut off because it was too long (finish_reason "length"); answer with a shorter JSON object', raw, toolCallId }
  }
  if (fromTool && fromTool.function.name !== PLAN_TOOL_NAME) {
    return { type: 'invalid', error: `unknown tool "${clip(fromTool.function.name, 60)}"; call ${PLAN_TOOL_NAME}`, raw, toolCallId }
  }
  if (!raw.trim()) return { type: 'invalid', error: 'the answer was empty; answer with one JSON object', raw }
  if (raw.length > MAX_ANSWER_CHARS) {
    return { type: 'invalid', error: `the answer is ${raw.length} characters long, far more than any plan needs (limit ${MAX_ANSWER_CHARS}); answer with a short JSON object`, raw: raw.slice(0, 2_000), toolCallId }
  }

  const found = extractJson(raw)
  if (found) return { type: 'json', value: found.value, raw, toolCallId }
  if (!fromTool && REFUSAL_START.test(raw.trimStart().slice(0, 80))) return { type: 'refusal', text: clip(raw.trim(), 500) }
  return { type: 'invalid', error: 'the answer is not valid JSON; answer with exactly one JSON object in the required format', raw, toolCallId }
}
