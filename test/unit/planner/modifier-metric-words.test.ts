// "refunded lessons": a metric word before a metric noun usually only qualifies it ("sales volume"),
// but where the modifier's metric is described as that noun ("Lessons refunded."), the phrase names
// that metric, and answering with the plain lesson count would drop what the question asked.
import { describe, expect, it } from 'vitest'
import { askSwimSchool, readingsOf, swimSchoolCatalog } from './swim-school-layer'

const catalog = swimSchoolCatalog()
const ask = (q: string) => askSwimSchool(catalog, q)

describe('a metric word qualifying a metric noun', () => {
  it('does not answer "refunded lessons" with the plain lesson count', () => {
    expect(ask('refunded lessons last month')).not.toMatchObject({ metrics: ['lsn_cnt'] })
  })

  it("offers the metric described as the noun (\"Lessons refunded.\") as the phrase's reading", () => {
    const plans = readingsOf(catalog, 'refunded lessons')
    expect(plans.map((p) => p.metrics)).toContainEqual(['lsn_rfnd_cnt'])
  })

  it('still reads the noun alone and the described order as before', () => {
    expect(ask('lessons')).toEqual({ metrics: ['lsn_cnt'] })
    expect(ask('lessons refunded')).toEqual({ metrics: ['lsn_rfnd_cnt'] })
  })
})
