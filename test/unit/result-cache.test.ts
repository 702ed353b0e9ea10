// The result cache's parts without a server: the in-memory store's bounds
// (entries, bytes, one entry's size, expiry), the recorder that gives up on
// large results, replay, the key and the TTL rules.
import { describe, expect, it } from 'vitest'
import { MemoryResultCache } from '../../src/query/result-cache-memory'
import { cacheTtlFor, replayResult, ResultRecorder, resultCacheKey, type CachedResult } from '../../src/query/result-cache'
import { column } from '../../connectors/shared/values'

const entry = (n: number, width = 1): string => JSON.stringify({ columns: [column('x', 'integer')], rows: Array.from({ length: n }, (_, i) => [i, 'y'.repeat(width)]), truncated: false })

describe('MemoryResultCache', () => {
  it('returns what was stored until its TTL has passed', async () => {
    let now = 1_000_000
    const c = new MemoryResultCache({ maxEntries: 10, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 }, () => now)
    await c.set('k', entry(3), 5)
    expect((await c.get('k'))?.rows).toEqual([[0, 'y'], [1, 'y'], [2, 'y']])
    now += 4_999
    expect(await c.get('k')).toBeDefined()
    now += 1
    expect(await c.get('k')).toBeUndefined()
    expect(c.size).toEqual({ entries: 0, bytes: 0 })
  })

  it('evicts the least recently used entry when full, by count and by bytes', async () => {
    const c = new MemoryResultCache({ maxEntries: 2, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 })
    await c.set('a', entry(1), 60)
    await c.set('b', entry(1), 60)
    await c.get('a') // a is now the most recently used
    await c.set('c', entry(1), 60)
    expect(await c.get('b')).toBeUndefined()
    expect(await c.get('a')).toBeDefined()
    expect(await c.get('c')).toBeDefined()

    const big = entry(10, 100)
    const bytes = new MemoryResultCache({ maxEntries: 100, maxBytes: big.length * 2 + 10, maxEntryBytes: 1 << 20 })
    await bytes.set('1', big, 60)
    await bytes.set('2', big, 60)
    await bytes.set('3', big, 60)
    expect(await bytes.get('1')).toBeUndefined()
    expect(bytes.size).toEqual({ entries: 2, bytes: big.length * 2 })
  })

  it('does not store a result larger than one entry may be, nor with a TTL of 0', async () => {
    const text = entry(100, 10)
    const c = new MemoryResultCache({ maxEntries: 10, maxBytes: 1 << 20, maxEntryBytes: text.length - 1 })
    await c.set('big', text, 60)
    await c.set('small', entry(1), 0)
    expect(c.size.entries).toBe(0)
  })

  it('hands out copies: changing an answer does not change the entry', async () => {
    const c = new MemoryResultCache({ maxEntries: 10, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 })
    await c.set('k', entry(1), 60)
    ;(await c.get('k'))!.rows[0][0] = 'changed'
    expect((await c.get('k'))!.rows[0][0]).toBe(0)
  })
})

describe('ResultRecorder and replay', () => {
  it('records batches and replays them in batches with columns first and truncated last', async () => {
    const r = new ResultRecorder(1 << 20)
    const cols = [column('n', 'integer')]
    r.add({ columns: cols, rows: [[1], [2], [3]] })
    r.add({ rows: [[4], [5]], truncated: true })
    const stored = JSON.parse(r.text()!) as CachedResult
    const batches = []
    for await (const b of replayResult(stored, 2)) batches.push(b)
    expect(batches).toEqual([{ columns: cols, rows: [[1], [2]] }, { rows: [[3], [4]] }, { rows: [[5]], truncated: true }])
  })

  it('replays an empty result as one batch with its columns', async () => {
    const batches = []
    for await (const b of replayResult({ columns: [column('n', 'integer')], rows: [], truncated: false }, 10)) batches.push(b)
    expect(batches).toEqual([{ columns: [column('n', 'integer')], rows: [], truncated: false }])
  })

  it('gives up on a result over its byte limit and stops holding its rows', () => {
    const r = new ResultRecorder(200)
    r.add({ columns: [column('s', 'string')], rows: [['a'.repeat(50)], ['b'.repeat(50)]] })
    expect(r.text()).toBeDefined()
    r.add({ rows: [['c'.repeat(200)]] })
    expect(r.text()).toBeUndefined()
  })
})

describe('resultCacheKey and cacheTtlFor', () => {
  const parts = {
    tenantId: 'ten_1', connectionId: 'conn_1', connectionVersion: 1, layerFingerprint: 'f', accessKey: 'a', sql: 'SELECT 1', params: [1], maxRows: 10,
  }
  it('changes with every part and keeps the tenant id readable', () => {
    const base = resultCacheKey(parts)
    expect(base.startsWith('ten_1:')).toBe(true)
    expect(resultCacheKey({ ...parts })).toBe(base)
    for (const change of [{ tenantId: 'ten_2' }, { connectionId: 'conn_2' }, { connectionVersion: 2 }, { layerFingerprint: 'g' }, { accessKey: 'b' },
      { sql: 'SELECT 2' }, { params: ['1'] }, { maxRows: 11 }]) {
      expect(resultCacheKey({ ...parts, ...change })).not.toBe(base)
    }
    // Parts are length-prefixed: moving text from one part to the next is a different key.
    expect(resultCacheKey({ ...parts, layerFingerprint: 'fa', accessKey: '' })).not.toBe(resultCacheKey({ ...parts, layerFingerprint: 'f', accessKey: 'a' }))
  })

  it('caches semantic queries by default, raw SQL only when the connection sets a TTL, and nothing with 0', () => {
    expect(cacheTtlFor('semantic', undefined, 60)).toBe(60)
    expect(cacheTtlFor('sql', undefined, 60)).toBe(0)
    expect(cacheTtlFor('sql', 30, 60)).toBe(30)
    expect(cacheTtlFor('semantic', 0, 60)).toBe(0)
    expect(cacheTtlFor('semantic', undefined, 0)).toBe(0)
  })
})
