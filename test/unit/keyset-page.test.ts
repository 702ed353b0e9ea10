// keysetPage over a fake store: the reads it makes and the pages it answers
// when the filter after the read drops rows.
import { describe, expect, it } from 'vitest'
import { keysetPage, paginateByKey } from '../../src/store/pagination'

const ROWS = Array.from({ length: 12 }, (_, i) => `m${String(i).padStart(2, '0')}`)

/** A store read (after, n) over ROWS that counts its calls. */
function store() {
  const reads: Array<{ after: string | undefined; n: number }> = []
  const fetch = async (after: string | undefined, n: number) => {
    reads.push({ after, n })
    return ROWS.filter((r) => after === undefined || r > after).slice(0, n)
  }
  return { fetch, reads }
}

async function all(limit: number, keep: (r: string) => boolean) {
  const s = store()
  const pages: string[][] = []
  let cursor: string | undefined
  for (let i = 0; i < 50; i++) {
    const page = await keysetPage(s.fetch, (r) => r, { limit, cursor }, keep)
    pages.push(page.data)
    if (!page.next_cursor) break
    cursor = page.next_cursor
  }
  return { pages, reads: s.reads }
}

describe('keysetPage', () => {
  it('reads one batch of limit + 1 per page when nothing is hidden', async () => {
    const { pages, reads } = await all(5, () => true)
    expect(pages).toEqual([ROWS.slice(0, 5), ROWS.slice(5, 10), ROWS.slice(10)])
    expect(reads.map((r) => r.n)).toEqual([6, 6, 6])
  })

  it('reads on past a run of hidden rows so every page but the last is full', async () => {
    const hidden = new Set(['m01', 'm02', 'm03', 'm04', 'm07'])
    const { pages, reads } = await all(2, (r) => !hidden.has(r))
    expect(pages.flat()).toEqual(ROWS.filter((r) => !hidden.has(r)))
    for (const p of pages.slice(0, -1)) expect(p).toHaveLength(2)
    // The first page needed a second read: its first batch of 3 held one visible row.
    expect(reads[0]).toEqual({ after: undefined, n: 3 })
    expect(reads[1]).toEqual({ after: 'm02', n: 3 })
  })

  it('answers no next_cursor when only hidden rows follow the page', async () => {
    const { pages } = await all(3, (r) => r < 'm06')
    expect(pages).toEqual([['m00', 'm01', 'm02'], ['m03', 'm04', 'm05']])
  })

  it('uses the same cursors as paginateByKey, so a client may follow either', async () => {
    const inMemory = paginateByKey(ROWS, (r) => r, { limit: 4 })
    const fromStore = await keysetPage(store().fetch, (r) => r, { limit: 4 })
    expect(fromStore).toEqual(inMemory)
  })

  it('refuses a cursor it did not write with a validation error on cursor', async () => {
    await expect(keysetPage(store().fetch, (r) => r, { limit: 4, cursor: 'garbage' })).rejects.toMatchObject({ code: 'validation_error', details: [{ path: 'cursor' }] })
  })
})
