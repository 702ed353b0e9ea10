// Shared OpenAPI pieces: the error envelope and the standard error responses
// every route declares.
import { z } from '@hono/zod-openapi'

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().openapi({ example: 'validation_error' }),
    message: z.string().openapi({ example: 'question must not be empty' }),
    details: z.array(z.object({ path: z.string().optional(), issue: z.string(), suggestions: z.array(z.string()).optional() }).passthrough()),
    request_id: z.string().openapi({ example: 'req_3kT9x0aQ1bZ7yW2eR4uI' }),
  }),
}).openapi('Error')

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: bad JSON or invalid fields (details name them: at most 20, then a `more_issues` count; only the first few unknown fields are named; values are never echoed)',
  401: 'Missing, invalid, expired or revoked credential',
  403: 'The credential lacks the required scope',
  404: 'Not found (also for objects of another tenant)',
  408: 'The request body did not arrive within NEXATRON_BODY_TIMEOUT_MS (the connection is closed)',
  409: 'Conflict with existing state',
  413: 'Request body too large',
  415: 'Content-Type must be application/json',
  422: 'Valid request that cannot be processed',
  429: 'Rate limited (see Retry-After)',
  500: 'Internal error (generic message only)',
  503: 'A dependency is unavailable',
}

const errorResponse = (status: number) => ({
  description: DESCRIPTIONS[status] ?? 'Error',
  content: { 'application/json': { schema: ErrorSchema } },
})

/** Error responses for an authenticated route, plus any extra statuses (a route with a body, 413, can also time out: 408). */
export function errorResponses(...extra: number[]) {
  const statuses = [...new Set([400, 401, 403, 429, 500, ...extra, ...(extra.includes(413) ? [408] : [])])].sort()
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(s)]))
}

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
})

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const PaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional(),
})

export const IdParam = (name: string, example: string) =>
  z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example, description: `${name} id` }) })

export const security = [{ bearer: [] }]
