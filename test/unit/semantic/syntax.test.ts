// BigQuery, Snowflake, SQL Server and Redshift cannot run here, so the SQL we
// emit for them is at least parsed by node-sql-parser in each dialect's
// grammar, for every metric of the MetricFlow conformance manifests. Every
// dialect must compile them or refuse with a SemanticError, never crash.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import pkg from 'node-sql-parser'
import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, SemanticError, compile, importMetricFlow, type DialectName } from '../../../semantic'
import { METRICFLOW_SUITE_DIR } from '../../support/metricflow-suite'

const { Parser } = pkg as unknown as { Parser: new () => { astify(sql: string, opts: { database: string }): unknown } }
const MANIFESTS = join(METRICFLOW_SUITE_DIR, 'manifests')
const GRAMMAR: Partial<Record<DialectName, string>> = { bigquery: 'bigquery', snowflake: 'snowflake', mssql: 'transactsql', redshift: 'redshift', postgres: 'postgresql' }

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

describe.skipIf(!existsSync(MANIFESTS))('compiled SQL parses in each warehouse grammar', () => {
  const parser = new Parser()
  for (const name of ['simple_manifest', 'extended_date_manifest', 'partitioned_multi_hop_join_manifest']) {
    it(`parses every metric of ${name}`, () => {
      const dir = join(MANIFESTS, name)
      const { manifest } = importMetricFlow(walk(dir).map((p) => ({ path: p, content: readFileSync(p, 'utf8') })), { source_schema: 'analytics' })
      const failures: string[] = []
      let parsed = 0
      for (const metric of manifest.metrics) {
        for (const groupBy of [[], ['metric_time__month']]) {
          for (const dialect of DIALECT_NAMES) {
            const grammar = GRAMMAR[dialect]
            let sql: string
            try {
              sql = compile({ metrics: [metric.name], group_by: groupBy }, manifest, dialect).sql
            } catch (e) {
              // Refusals (a percentile the engine lacks, a grain too fine) are fine; crashes are not.
              if (e instanceof SemanticError) continue
              throw e
            }
            // MySQL and ClickHouse run in the conformance suite instead; the parser's
            // Redshift grammar lacks APPROXIMATE PERCENTILE_DISC.
            if (!grammar) continue
            if (dialect === 'redshift' && sql.includes('APPROXIMATE PERCENTILE_DISC')) continue
            try {
              parser.astify(sql.replace(/\$\d+|@p\d+/g, '?'), { database: grammar })
              parsed += 1
            } catch (e) {
              failures.push(`${dialect} ${metric.name} [${groupBy.join(', ')}]: ${(e as Error).message.slice(0, 120)}`)
            }
          }
        }
      }
      expect(failures).toEqual([])
      expect(parsed).toBeGreaterThan(manifest.metrics.length)
    })
  }
})
