// getDialect(name): the one place that maps a dialect name to its hooks.
import { DIALECT_NAMES, SemanticError, type DialectName } from '../types'
import { BigQueryDialect } from './bigquery'
import { ClickHouseDialect } from './clickhouse'
import type { Dialect } from './dialect'
import { MssqlDialect } from './mssql'
import { MysqlDialect } from './mysql'
import { PostgresDialect } from './postgres'
import { RedshiftDialect } from './redshift'
import { SnowflakeDialect } from './snowflake'

const FACTORIES: Record<DialectName, () => Dialect> = {
  postgres: () => new PostgresDialect(),
  redshift: () => new RedshiftDialect(),
  mysql: () => new MysqlDialect(),
  bigquery: () => new BigQueryDialect(),
  snowflake: () => new SnowflakeDialect(),
  mssql: () => new MssqlDialect(),
  clickhouse: () => new ClickHouseDialect(),
}

const cache = new Map<DialectName, Dialect>()

/**
 * The dialect of this name. Names are SQL dialects, not connection types: the
 * connection type → dialect map lives in connectors/registry.ts (`dialectOf`).
 */
export function getDialect(name: DialectName): Dialect {
  const key: string = name
  if (!(DIALECT_NAMES as readonly string[]).includes(key)) {
    throw new SemanticError('invalid_query', `unknown SQL dialect "${name}"`, [
      { path: 'dialect', issue: 'unknown_dialect', suggestions: [...DIALECT_NAMES] },
    ])
  }
  const dialectName = key as DialectName
  let dialect = cache.get(dialectName)
  if (!dialect) {
    dialect = FACTORIES[dialectName]()
    cache.set(dialectName, dialect)
  }
  return dialect
}

export type { Dialect, DialectCapabilities, PercentileSupport, SelectRewriter } from './dialect'
export { BaseDialect } from './base'
