// The domain error is data (src/errors.ts); the HTTP layer adds the status,
// the headers and the request id (src/http/errors.ts).
import { describe, expect, it } from 'vitest'
import { AppError, ERROR_CODES, errorRecord, MAX_ERROR_DETAILS } from '../../src/errors'
import { ERROR_STATUS, errorBody, errorHeaders, errorStatus, HttpError } from '../../src/http/errors'

describe('domain errors and their HTTP rendering', () => {
  it('gives every domain code a status, and no status to a code the domain does not have', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort())
    expect(errorStatus(new AppError('not_found', 'x'))).toBe(404)
    expect(errorStatus(new AppError('too_many_queued_queries', 'x'))).toBe(429)
  })

  it('carries no HTTP in the domain error: retryAfterS becomes Retry-After only when rendered', () => {
    const busy = new AppError('server_busy', 'busy', [{ issue: 'memory_budget' }], { retryAfterS: 5 })
    expect(Object.keys(busy)).not.toContain('status')
    expect(Object.keys(busy)).not.toContain('headers')
    expect(busy.retryAfterS).toBe(5)
    expect(errorHeaders(busy)).toEqual({ 'Retry-After': '5' })
    expect(errorHeaders(new AppError('conflict', 'taken'))).toEqual({})
    expect(errorHeaders(new HttpError('unauthorized', 'who?', [], { 'WWW-Authenticate': 'Bearer' }))).toEqual({ 'WWW-Authenticate': 'Bearer' })
  })

  it('answers the bounded record plus the request id, and records the same record', () => {
    const many = Array.from({ length: MAX_ERROR_DETAILS + 5 }, (_, i) => ({ path: `f${i}`, issue: 'bad', note: 'y'.repeat(2_000) }))
    const err = new AppError('validation_error', 'm'.repeat(5_000), many)
    const record = errorRecord(err)
    expect(record.details).toHaveLength(MAX_ERROR_DETAILS + 1)
    expect(record.details.at(-1)).toEqual({ issue: 'more_issues', count: 5 })
    expect(record.message.length).toBeLessThan(2_100)
    expect(String(record.details[0].note).length).toBeLessThan(1_100)
    expect(Object.keys(record).sort()).toEqual(['code', 'details', 'message'])
    expect(errorBody(err, 'req_1')).toEqual({ error: { ...record, request_id: 'req_1' } })
  })
})
