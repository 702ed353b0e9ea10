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

const REFUSAL_START = /^\s*(?:I['’]m sorry|I am sorry|Sorry\b|I (?:cannot|can['’]t|can not|won['’]t|will not|am unable|['’]m unable|am not able)|As an AI|I must decline|I refuse)/i

/** The first balanced JSON object in `text` (string-aware), or undefined. */
export function findJsonObject(text: string): string | undefined {
  // At most a few candidate starts: each scan is linear, and text made of
  // thousands of unbalanced braces must not turn this quadratic.
  let tries = 0
  for (let start = text.indexOf('{'); start >= 0 && tries < 16; start = text.indexOf('{', start + 1), tries++) {
    let depth = 0
    let inString = false
    let escaped = false
    for (let i = start; i < text.length; i++) {
      const ch = text[i]
      if (inString) {
        if (escaped) escaped = false
        else if (ch === '\\') escaped = true
        else if (ch === '"') inString = false
        continue
      }
      if (ch === '"') inString = true
      else if (ch === '{') depth++
      else if (ch === '}') {
        depth--
        if (depth === 0) {
          const candidate = text.slice(start, i + 1)
          try { JSON.parse(candidate); return candidate } catch { break }
        }
      }
    }
  }
  return undefined
}

/** JSON from model text: the whole text, else a fenced block, else the first balanced object. */
export function extractJson(text: string): { value: unknown } | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  try { return { value: JSON.parse(trimmed) } } catch { /* not pure JSON */ }
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/g
  for (let m = fence.exec(trimmed); m; m = fence.exec(trimmed)) {
    try { return { value: JSON.parse(m[1].trim()) } } catch { /* try next */ }
  }
  const obj = findJsonObject(trimmed)
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
  if (!fromTool && REFUSAL_START.test(raw)) return { type: 'refusal', text: clip(raw.trim(), 500) }
  return { type: 'invalid', error: 'the answer is not valid JSON; answer with exactly one JSON object in the required format', raw, toolCallId }
}
