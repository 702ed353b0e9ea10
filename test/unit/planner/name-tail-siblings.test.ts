import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-10.json')
const LAST_MONTH = { start: '2024-05-01', end: '2024-05-31' }

describe('a metric named by the tail of its name while another name holds the same words', () => {
  it('asks which metric "sessions" means (`pt_sessions` or `sessions_held`)', () => {
    expect(candidates('fitness', 'sessions last month').map((p) => p.metrics[0]).sort()).toEqual(['pt_sessions', 'sessions_held'])
    expect(ask('fitness', 'sessions by trainer')).toBe('ambiguous_question')
  })

  it('still answers when the question names the metric whole', () => {
    expect(ask('fitness', 'pt sessions for trainer 88 last month')).toEqual({ metrics: ['pt_sessions'], filters: [{ field: 'trainer', op: '=', value: 88 }], time_constraint: LAST_MONTH })
  })
})
