// "lessons by club" where a lesson reaches a club only as a key, through its coach's club and
// through its swimmer's team's club: the same entity reached by two routes of one length is two
// questions (which club?), however the key is named at the end of each path.
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../semantic/types'
import { tiedPaths } from '../../../src/planner/offline/join-path-ties'
import { askSwimSchool } from './swim-school-layer'

const entity = (name: string) => ({ name, type: 'entity' as const })
const catalog: Catalog = {
  metrics: [{ name: 'lsn_cnt', type: 'simple', description: 'Swim lessons given.', dimensions: ['metric_time', 'lesson', 'class', 'swimmer', 'class__coach', 'swimmer__team', 'class__coach__club', 'swimmer__team__club'] }],
  dimensions: [
    { name: 'metric_time', type: 'time', grain: 'day' },
    ...['lesson', 'class', 'swimmer', 'class__coach', 'swimmer__team', 'class__coach__club', 'swimmer__team__club'].map(entity),
  ],
}

describe('an entity key reached by two join paths of the same length', () => {
  it('is compared by the entity, not by the path segment before it', () => {
    const available = new Set(catalog.metrics[0].dimensions)
    const isEntity = (n: string) => catalog.dimensions.some((d) => d.name === n && d.type === 'entity')
    expect(tiedPaths('class__coach__club', available, isEntity)).toEqual(['swimmer__team__club'])
    // a column is still compared by its owner and name: different owners are different columns
    expect(tiedPaths('class__coach__club', available)).toEqual([])
  })

  it('asks back which club "lessons by club" means', () => {
    expect(askSwimSchool(catalog, 'lessons by club')).toBe('ambiguous_question')
  })
})
