// How deeply a YAML text nests, measured on the yaml library's own lexer
// before anything is parsed.
//
// Why: the library composes documents recursively. A few kilobytes of
// `[[[[...` or ever-deeper indentation overflow the call stack, and a body of
// such nesting keeps the event loop busy for seconds before it fails, which
// stalls every other tenant's requests on this instance. A dbt semantic file
// nests about ten levels; MAX_YAML_DEPTH leaves ample room and is far below
// the depth where composing gets expensive. The lexer is a flat state machine
// (no recursion), it tokenises exactly as the parser will (quotes, comments,
// block scalars), and the scan stops at the first token past the limit.
import { CST, Lexer } from 'yaml'

/** Deepest nesting of flow collections, indentation and block indicators an import accepts. */
export const MAX_YAML_DEPTH = 64

/** Where a text first nests deeper than `max`, or undefined when it never does. */
export function yamlTooDeep(content: string, max = MAX_YAML_DEPTH): { line: number } | undefined {
  let line = 1
  let flow = 0
  // Columns of the enclosing block levels, innermost last.
  const indents: number[] = []
  // Block indicators (`- `, `? `) met on the current line: each opens a level.
  let indicators = 0
  let atLineStart = true
  // Width of the indentation of the current line, known once its first token is read.
  let column = 0
  // The lexer marks a plain or block scalar with one token and sends its source text in the next.
  let scalarSource = false
  let scalarAtLineStart = false
  const place = (col: number) => {
    // A line at this column closes the deeper levels and, when deeper than the innermost, opens one.
    while (indents.length && indents[indents.length - 1] > col) indents.pop()
    if (!indents.length || indents[indents.length - 1] < col) indents.push(col)
  }
  const breaks = (text: string) => { for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++ }
  for (const token of new Lexer().lex(content)) {
    if (scalarSource) {
      scalarSource = false
      // A block scalar's body (it starts with its indentation) is text of its parent's level, never a level of its own.
      if (scalarAtLineStart && flow === 0 && !/^\s/.test(token)) place(column)
      breaks(token)
      continue
    }
    const type = CST.tokenType(token)
    if (type === 'newline') { line++; atLineStart = true; column = 0; indicators = 0; continue }
    if (type === 'doc-mode' || type === 'byte-order-mark') continue
    if (type === 'scalar') { scalarSource = true; scalarAtLineStart = atLineStart; atLineStart = false; continue }
    if (atLineStart) {
      if (type === 'space') { column = token.length; continue }
      atLineStart = false
      // Comment lines and lines inside a flow collection do not place a block level.
      if (type !== 'comment' && flow === 0) place(column)
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1)
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind') indicators++
    // Quoted scalars (and anything else) may span lines.
    else breaks(token)
    if (flow + indents.length + indicators > max) return { line }
  }
  return undefined
}
