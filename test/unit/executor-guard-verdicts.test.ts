// The executor remembers the statements the SQL guard passed, keyed by the
// statement and everything the verdict depends on (dialect, default schema,
// the layer's tables): a remembered pass never lets a statement through for a
// layer that does not hold its tables, and a refusal is never remembered.
import { describe, expect, it } from 'vitest'
import { SqlExecutor } from '../../src/query/executor'
import type { ConnectionRow, ConnectionService } from '../../src/connections/connection-service'
import type { SemanticManifest } from '../../semantic/types'
import { SqlGuardError } from '../../src/security/sql-guard'

const executor = () => new SqlExecutor({
  connections: {} as ConnectionService,
  limits: { defaultMaxRows: 100, maxRowsLimit: 1000, defaultTimeoutMs: 1000, maxTimeoutMs: 1000, allowFunctions: [] },
})
const conn = (database: string) => ({ type: 'postgres', config: { host: 'db', database } }) as unknown as ConnectionRow
const layerOver = (...tables: string[]) => ({
  semantic_models: tables.map((alias) => ({ name: alias, node_relation: { schema_name: 'public', alias } })), time_spines: [],
}) as unknown as SemanticManifest

describe('guard verdicts remembered by the executor', () => {
  it('refuses a statement it passed before once the layer no longer holds its table', () => {
    const x = executor()
    const sql = 'SELECT sum(amount) FROM public.orders'
    expect(() => x.guard(conn('shop'), layerOver('orders'), sql)).not.toThrow()
    expect(() => x.guard(conn('shop'), layerOver('orders'), sql)).not.toThrow()
    expect(() => x.guard(conn('shop'), layerOver('customers'), sql)).toThrow(SqlGuardError)
  })

  it('refuses a refused statement every time it is asked', () => {
    const x = executor()
    const sql = 'DELETE FROM public.orders'
    for (let i = 0; i < 3; i++) expect(() => x.guard(conn('shop'), layerOver('orders'), sql)).toThrow(SqlGuardError)
  })

  it('keeps verdicts apart per statement: a passed one does not vouch for another', () => {
    const x = executor()
    expect(() => x.guard(conn('shop'), layerOver('orders'), 'SELECT 1 FROM public.orders')).not.toThrow()
    expect(() => x.guard(conn('shop'), layerOver('orders'), 'SELECT 1 FROM public.orders; DROP TABLE public.orders')).toThrow(SqlGuardError)
  })
})
