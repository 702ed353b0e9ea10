import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelWatch } from '../../src/query/cancel-watch'
import { AppError, errorRecord } from '../../src/errors'

afterEach(() => { vi.useRealTimers() })

function watch(live: string[], flags: Array<{ id: string; reason: unknown }>) {
  const cancelled: Array<{ id: string; reason: AppError }> = []
  const flagged = vi.fn(async (ids: string[]) => flags.filter((f) => ids.includes(f.id)))
  const w = new CancelWatch({ live: () => live, flagged, cancel: (id, reason) => cancelled.push({ id, reason }), onError: () => {}, intervalMs: 1000 })
  return { w, cancelled, flagged }
}

describe('the cancel watch', () => {
  it('reads no flags while nothing runs here, and stops reading when the last run ends', async () => {
    vi.useFakeTimers()
    const live: string[] = []
    const { w, flagged } = watch(live, [])
    w.update()
    await vi.advanceTimersByTimeAsync(5000)
    expect(flagged).not.toHaveBeenCalled()
    live.push('qry_1')
    w.update()
    await vi.advanceTimersByTimeAsync(2500)
    expect(flagged).toHaveBeenCalledTimes(2)
    live.pop()
    w.update()
    await vi.advanceTimersByTimeAsync(5000)
    expect(flagged).toHaveBeenCalledTimes(2)
  })

  it('stops a flagged run with the reason its flagger recorded (a revocation), or as a plain cancel', async () => {
    vi.useFakeTimers()
    const revoked = errorRecord(new AppError('query_cancelled', 'the credential was revoked', [{ issue: 'credential_revoked' }]))
    const { w, cancelled } = watch(['qry_1', 'qry_2', 'qry_3'], [{ id: 'qry_1', reason: revoked }, { id: 'qry_2', reason: null }, { id: 'qry_9', reason: null }])
    w.update()
    await vi.advanceTimersByTimeAsync(1000)
    w.stop()
    expect(cancelled.map((c) => [c.id, c.reason.code, c.reason.details])).toEqual([
      ['qry_1', 'query_cancelled', [{ issue: 'credential_revoked' }]],
      ['qry_2', 'query_cancelled', []],
    ])
  })

  it('never turns a forged reason into an unknown error code', async () => {
    vi.useFakeTimers()
    const { w, cancelled } = watch(['qry_1'], [{ id: 'qry_1', reason: { code: 'not_a_code', message: 'x' } }])
    w.update()
    await vi.advanceTimersByTimeAsync(1000)
    w.stop()
    expect(cancelled[0].reason.code).toBe('query_cancelled')
  })
})
