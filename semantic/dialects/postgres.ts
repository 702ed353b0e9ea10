// PostgreSQL (and PGlite): the base dialect is written in its SQL.
import type { DialectName } from '../types'
import { BaseDialect } from './base'

export class PostgresDialect extends BaseDialect {
  readonly name: DialectName = 'postgres'

  // A backslash means itself in '...' only with standard_conforming_strings
  // on; E'...' reads the same on every server, so a value holding one is
  // written that way (literals are for display: values run as parameters).
  protected override stringLiteral(value: string): string {
    if (!value.includes('\\')) return super.stringLiteral(value)
    return `E'${this.escapeString(value).split('\\').join('\\\\')}'`
  }
}
