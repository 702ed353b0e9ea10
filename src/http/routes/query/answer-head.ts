// The events of a run up to its `sql` event: planning, compiling, the guard and
// the result-cache lookup are all done by then, so a route can still answer an
// error with its own status, and knows the X-Nexatron-Cache header to send,
// before it commits to 200.
import type { CacheStatus } from '../../../query/result-cache'
import type { RunEvent } from '../../../query/query-runner'

export async function answerHead(events: AsyncGenerator<RunEvent>): Promise<{ early: RunEvent[]; cache?: CacheStatus; ended: boolean }> {
  const early: RunEvent[] = []
  for (;;) {
    const next = await events.next()
    if (next.done) return { early, ended: true }
    early.push(next.value)
    if (next.value.type === 'sql') return { early, cache: next.value.cache, ended: false }
  }
}
