// Row-filter templates: SQL written by an admin with `{{ Dimension('e__d') }}`,
// `{{ Entity('e') }}` and `{{ Attribute('name') }}` placeholders. The SQL around
// the placeholders is kept as written (it is an admin's definition, checked to
// be one expression); attribute values never enter the text: they become bind
// parameters (or escaped literals where the engine has none) at compile time.
import { sqlFragmentProblem } from '../sql-fragment'

export type TemplateToken =
  | { kind: 'sql'; text: string }
  | { kind: 'dimension' | 'entity' | 'attribute'; name: string; position: number }

const PLACEHOLDER = /\{\{\s*(Dimension|Entity|Attribute)\(\s*'([^'{}]*)'\s*\)\s*\}\}/g
const KINDS = { Dimension: 'dimension', Entity: 'entity', Attribute: 'attribute' } as const

export class TemplateError extends Error {}

/** Splits a template into SQL text and placeholders; throws TemplateError when it is not one expression. */
export function parseRowFilterTemplate(template: string): TemplateToken[] {
  if (!template.trim()) throw new TemplateError('the row filter is empty')
  const tokens: TemplateToken[] = []
  let last = 0
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index! > last) tokens.push({ kind: 'sql', text: template.slice(last, m.index) })
    tokens.push({ kind: KINDS[m[1] as keyof typeof KINDS], name: m[2], position: m.index! })
    last = m.index! + m[0].length
  }
  if (last < template.length) tokens.push({ kind: 'sql', text: template.slice(last) })
  const stray = tokens.find((t) => t.kind === 'sql' && (t.text.includes('{{') || t.text.includes('}}')))
  if (stray) throw new TemplateError("only {{ Dimension('entity__dimension') }}, {{ Entity('name') }} and {{ Attribute('name') }} placeholders are allowed")
  // Each placeholder stands for one operand: with them replaced by a plain
  // value the whole filter must be a single SQL expression.
  const probe = tokens.map((t) => (t.kind === 'sql' ? t.text : t.kind === 'attribute' ? '(0)' : 'x')).join('')
  const problem = sqlFragmentProblem(probe)
  if (problem) throw new TemplateError(`the row filter is not a single SQL expression: ${problem}`)
  return tokens
}

/** Whether the SQL before a placeholder ends in IN (the value is then written as a parenthesised list). */
export function followsIn(tokens: TemplateToken[], index: number): boolean {
  const prev = tokens[index - 1]
  return !!prev && prev.kind === 'sql' && /\bin\s*$/i.test(prev.text)
}
