// A request's time limit on the demo warehouse (a connection test, an
// introspection) counts from when a ready thread has it, as a statement's
// does: the thread's load (seconds, more on a busy machine) does not count.
// When it did, a load longer than the limit made the request time out and
// replace the thread it was waiting for, and the next request's thread too:
// on a loaded machine the demo never came back.
import { afterAll, describe, expect, it } from 'vitest'
import { DemoWarehouse } from '../../src/demo/warehouse-host'

const NOW = new Date('2026-11-23T12:00:00Z')
let warehouse: DemoWarehouse | undefined
afterAll(async () => { await warehouse?.close() })

describe('a short time limit on the demo warehouse', () => {
  it('waits for the thread to load, then answers, without replacing the thread it waited for', async () => {
    // 50 ms: far shorter than loading the data, far longer than a connection test on a loaded thread
    warehouse = new DemoWarehouse(NOW, { maxStatementMs: 50 })
    const connector = warehouse.connector({ timeout_ms: 50 })
    const result = await connector.test()
    expect(result).toMatchObject({ ok: true })
    expect(warehouse.starts).toBe(1)
    // and the limit still holds once the thread is ready
    expect(await connector.test()).toMatchObject({ ok: true })
    expect(warehouse.starts).toBe(1)
  })
})
