// PostgreSQL (and PGlite): the base dialect is written in its SQL.
import type { DialectName } from '../types'
import { BaseDialect } from './base'

export class PostgresDialect extends BaseDialect {
  readonly name: DialectName = 'postgres'
}
