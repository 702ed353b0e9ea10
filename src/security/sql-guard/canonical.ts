// Re-emits a checked token stream as text for node-sql-parser. The parser
// never sees the original text: comments are gone, every token is separated
// by a space (so `-` `-` can never become a `--` comment, nor `/` `*` a
// comment opener), string contents are replaced by inert text, identifiers are
// re-quoted in the parser's own syntax, and bind placeholders become a number
// literal (the parser grammars do not all accept `?`, `:1` or `@p1`, and a
// placeholder is a value wherever it appears).
import { refuse, show } from './errors'
import type { LexDialect, Token } from './lexer'

const QUOTES: Record<Exclude<LexDialect, 'clickhouse'>, [string, string]> = {
  mysql: ['`', '`'],
  bigquery: ['`', '`'],
  snowflake: ['"', '"'],
  mssql: ['[', ']'],
}

const SAFE_STRING = /^[A-Za-z0-9 _.,:\-\/+%]{0,200}$/

// Operators a grammar lacks, replaced by one of the same precedence and arity:
// the parse tree keeps its shape, which is all the guard looks at.
const OPERATOR_STANDINS: Partial<Record<LexDialect, Record<string, string>>> = {
  mysql: { '<=>': '=' },
}

/** One emitted identifier, where it starts in the canonical text and whether it was quoted in the source. */
export interface IdentPiece {
  start: number
  value: string
  quoted: boolean
}

export interface Canonical {
  text: string
  /** Identifier pieces by their offset in `text` (the parser reports locations in `text`). */
  idents: Map<number, IdentPiece>
  /** Offsets of dots in `text`, to follow dotted names from a reported location. */
  dots: Set<number>
}

export function canonicalize(tokens: Token[], dialect: Exclude<LexDialect, 'clickhouse'>): Canonical {
  const [open, close] = QUOTES[dialect]
  let text = ''
  const idents = new Map<number, IdentPiece>()
  const dots = new Set<number>()
  const emit = (piece: string, ident?: { value: string; quoted: boolean }) => {
    if (ident) idents.set(text.length, { start: text.length, ...ident })
    text += piece
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    const glue = i === 0 || t.kind === 'dot' || tokens[i - 1]?.kind === 'dot'
    if (!glue) text += ' '
    switch (t.kind) {
      case 'qident':
        // BigQuery quotes whole paths: `proj.dataset.table` is three parts.
        if (dialect === 'bigquery' && t.value.includes('.')) {
          const parts = t.value.split('.')
          if (parts.some((p) => p === '')) refuse(`the quoted path ${show(t.value)} has an empty part`)
          parts.forEach((p, j) => {
            if (j > 0) { dots.add(text.length); emit('.') }
            emit(open + p + close, { value: p, quoted: true })
          })
        } else emit(open + t.value + close, { value: t.value, quoted: true })
        break
      case 'word': emit(t.text, { value: t.value, quoted: false }); break
      // Keep harmless contents (dates, intervals, format names) so grammar
      // rules that look at them still match; anything else becomes 's'.
      case 'string': emit(`'${SAFE_STRING.test(t.value) ? t.value : 's'}'`); break
      case 'param': emit('0'); break
      case 'op': emit(OPERATOR_STANDINS[dialect]?.[t.value] ?? t.text); break
      case 'dot': dots.add(text.length); emit('.'); break
      default: emit(t.text)
    }
  }
  return { text, idents, dots }
}
