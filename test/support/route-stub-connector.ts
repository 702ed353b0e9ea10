// A connector that answers instantly with an empty result: lets security tests
// run every handler end to end (plan, compile, guard, execute) without a
// warehouse. It records the SQL it was asked to run.
import type { Connector, ConnectorConfig, RowBatch, SchemaInfo } from '../../connectors/connector'

export interface StubConnector extends Connector { readonly statements: string[] }

export function createStubConnector(cfg: Pick<ConnectorConfig, 'type'>): StubConnector {
  const statements: string[] = []
  return {
    type: cfg.type,
    dialect: cfg.type === 'pglite' ? 'postgres' : cfg.type,
    statements,
    async test() { return { ok: true as const, version: 'stub 1.0', latency_ms: 0 } },
    async introspect(): Promise<SchemaInfo> { return { schemas: [], tables: [] } },
    async *stream(q): AsyncIterable<RowBatch> {
      statements.push(q.sql)
      yield { columns: [], rows: [] }
    },
    async close() {},
  }
}
