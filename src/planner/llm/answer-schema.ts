// The shape of the model's answer: a JSON Schema sent to the model (OpenAI
// structured outputs, strict mode: every property required, nullable instead
// of optional, no extra properties) and the zod schema that checks what comes
// back. Servers that ignore response_format still get the shape from the
// prompt, and zod is the authority either way.
//
// The answer carries structured filters only. MetricFlow `where` templates are
// trusted input (definitions, admins) and are deliberately absent: a model
// cannot smuggle SQL fragments through them.
import { z } from 'zod'
import { DATE_PARTS, TIME_GRAINS } from '../../../semantic/types'

export const FILTER_OPS = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'between', 'like', 'is_null', 'is_not_null'] as const
export const ANSWER_KINDS = ['semantic', 'sql', 'cannot_answer'] as const

/** Bounds on what a model may send back; anything larger is not a plan. */
export const LIMITS = {
  metrics: 20,
  groupBy: 10,
  filters: 30,
  orderBy: 10,
  inValues: 200,
  stringValue: 500,
  name: 200,
  sqlChars: 20_000,
  reasons: 20,
  reasonChars: 500,
  problemChars: 1_000,
  maxLimit: 100_000,
} as const

const scalar = z.union([z.string().max(LIMITS.stringValue), z.number(), z.boolean()])
const name = z.string().min(1).max(LIMITS.name)

const groupByItem = z.union([
  name,
  z.object({
    name,
    grain: z.enum(TIME_GRAINS).nullish(),
    date_part: z.enum(DATE_PARTS).nullish(),
  }).strict(),
])

const filter = z.object({
  field: name,
  op: z.enum(FILTER_OPS),
  value: z.union([scalar, z.null(), z.array(scalar).max(LIMITS.inValues)]).optional(),
}).strict()

const orderItem = z.union([
  name,
  z.object({ field: name, descending: z.boolean().nullish() }).strict(),
])

// `.strict()` on the query: an unexpected key (say `where` or `sql`) would be
// silently dropped by a lenient parser and change what is computed, so it is
// an error the model gets to repair instead.
export const answerQuerySchema = z.object({
  metrics: z.array(name).max(LIMITS.metrics),
  group_by: z.array(groupByItem).max(LIMITS.groupBy).nullish(),
  filters: z.array(filter).max(LIMITS.filters).nullish(),
  time_constraint: z.object({
    start: z.string().max(40).nullish(),
    end: z.string().max(40).nullish(),
  }).strict().nullish(),
  order_by: z.array(orderItem).max(LIMITS.orderBy).nullish(),
  limit: z.number().int().nullish(),
}).strict()

export const answerSchema = z.object({
  kind: z.enum(ANSWER_KINDS),
  query: answerQuerySchema.nullish(),
  sql: z.string().max(LIMITS.sqlChars).nullish(),
  confidence: z.number().nullish(),
  reasons: z.array(z.string().max(LIMITS.reasonChars)).max(LIMITS.reasons).nullish(),
  problem: z.string().max(LIMITS.problemChars).nullish(),
})
export type Answer = z.infer<typeof answerSchema>
export type AnswerQuery = z.infer<typeof answerQuerySchema>

export interface AnswerJsonSchemaOptions {
  allowRawSql: boolean
  /** Names the model may use; listed as enums so constrained decoding cannot invent one. Empty → free strings. */
  metricNames: string[]
  dimensionNames: string[]
}

/** Above this many names, enums are dropped (OpenAI caps enum sizes); zod still checks. */
const MAX_ENUM_VALUES = 500

/** JSON Schema (strict-mode compatible) for the answer, sent as response_format or tool parameters. */
export function answerJsonSchema(opts: AnswerJsonSchemaOptions): Record<string, unknown> {
  const useEnums = opts.metricNames.length > 0 && opts.metricNames.length + opts.dimensionNames.length <= MAX_ENUM_VALUES
  const metricName = useEnums ? { type: 'string', enum: opts.metricNames } : { type: 'string' }
  const dimensionName = useEnums && opts.dimensionNames.length ? { type: 'string', enum: opts.dimensionNames } : { type: 'string' }
  const ref = (n: string) => ({ $ref: `#/$defs/${n}` })
  // Filters and ordering may name a dimension, a dimension with a grain
  // suffix (`metric_time__month`) or a metric; a free string keeps that possible.
  const fieldName = { type: 'string', description: 'a dimension name (optionally with __<grain> for time dimensions) or a metric name' }
  const nullableString = { type: ['string', 'null'] }
  const scalarSchema = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }
  const kinds = opts.allowRawSql ? ['semantic', 'sql', 'cannot_answer'] : ['semantic', 'cannot_answer']
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'query', 'sql', 'confidence', 'reasons', 'problem'],
    properties: {
      kind: { type: 'string', enum: kinds },
      query: {
        anyOf: [
          { type: 'null' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['metrics', 'group_by', 'filters', 'time_constraint', 'order_by', 'limit'],
            properties: {
              metrics: { type: 'array', items: ref('metric_name') },
              group_by: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name', 'grain', 'date_part'],
                  properties: {
                    name: ref('dimension_name'),
                    grain: { type: ['string', 'null'], enum: [...TIME_GRAINS, null] },
                    date_part: { type: ['string', 'null'], enum: [...DATE_PARTS, null] },
                  },
                },
              },
              filters: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['field', 'op', 'value'],
                  properties: {
                    field: fieldName,
                    op: { type: 'string', enum: [...FILTER_OPS] },
                    value: { anyOf: [scalarSchema.anyOf[0], scalarSchema.anyOf[1], scalarSchema.anyOf[2], { type: 'null' }, { type: 'array', items: scalarSchema }] },
                  },
                },
              },
              time_constraint: {
                anyOf: [
                  { type: 'null' },
                  { type: 'object', additionalProperties: false, required: ['start', 'end'], properties: { start: nullableString, end: nullableString } },
                ],
              },
              order_by: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['field', 'descending'],
                  properties: { field: fieldName, descending: { type: 'boolean' } },
                },
              },
              limit: { type: ['integer', 'null'] },
            },
          },
        ],
      },
      sql: nullableString,
      confidence: { type: 'number' },
      reasons: { type: 'array', items: { type: 'string' } },
      problem: nullableString,
    },
    $defs: { metric_name: metricName, dimension_name: dimensionName },
  }
}

/** The answer format in words, for the system prompt (servers may ignore response_format). */
export function answerFormatText(allowRawSql: boolean): string {
  const kinds = allowRawSql ? '"semantic" | "sql" | "cannot_answer"' : '"semantic" | "cannot_answer"'
  return [
    '{',
    `  "kind": ${kinds},`,
    '  "query": null | {',
    '    "metrics": [metric names],',
    '    "group_by": [{"name": dimension name, "grain": null | "day" | "week" | "month" | "quarter" | "year" | ..., "date_part": null | "year" | "quarter" | "month" | "week" | "day" | "dow" | "doy"}],',
    '    "filters": [{"field": dimension or metric name, "op": "=" | "!=" | ">" | ">=" | "<" | "<=" | "in" | "not_in" | "between" | "like" | "is_null" | "is_not_null", "value": string | number | boolean | null | [values]}],',
    '    "time_constraint": null | {"start": "YYYY-MM-DD" | null, "end": "YYYY-MM-DD" | null},',
    '    "order_by": [{"field": metric or group_by name, "descending": true | false}],',
    '    "limit": integer | null',
    '  },',
    allowRawSql ? '  "sql": null | "one read-only SELECT statement (only when kind is \\"sql\\")",' : '  "sql": null,',
    '  "confidence": number from 0 to 1,',
    '  "reasons": [short strings: what each part of the question was mapped to],',
    '  "problem": null | "why the question cannot be answered (kind cannot_answer)"',
    '}',
  ].join('\n')
}
