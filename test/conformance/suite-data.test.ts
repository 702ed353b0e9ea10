// Parsing of the suite's data: cases and fixture tables.
import { describe, expect, it } from 'vitest'
import { parseBaseline } from './baseline'
import { CaseParseError, loadCases, parseCaseFile } from './cases'
import { isStaleSchema, randomSchemaName } from './engines/engine'
import { FixtureError, parseFixtureTable, parseFixtureValue } from './fixtures'
import { isRequiredFeature } from './features'
import { SUITE_DIR, suiteAvailable } from './suite'

describe('parseCaseFile', () => {
  const doc = (body: string) => `---\nintegration_test:\n  name: c1\n  model: SIMPLE_MODEL\n${body}  check_query: SELECT 1\n`

  it('reads a case with defaults for the optional fields', () => {
    const [c] = parseCaseFile(doc('  metrics: ["bookings"]\n  allow_empty: True\n'), 'itest_x')
    expect(c).toMatchObject({
      id: 'itest_x/c1', metrics: ['bookings'], group_bys: [], allow_empty: true, check_order: false, apply_group_by: true, min_max_only: false,
    })
  })

  it('skips empty documents between separators', () => {
    expect(parseCaseFile(`---\n---\n${doc('')}`, 'f')).toHaveLength(1)
  })

  it('rejects unknown keys, unknown models and a wrong time constraint', () => {
    expect(() => parseCaseFile(doc('  metricz: []\n'), 'f')).toThrow(/unknown key 'metricz'/)
    expect(() => parseCaseFile(doc('').replace('SIMPLE_MODEL', 'NOPE'), 'f')).toThrow(/unknown model/)
    expect(() => parseCaseFile(doc('  time_constraint: ["2020-01-01"]\n'), 'f')).toThrow(CaseParseError)
  })
})

describe('parseFixtureTable', () => {
  const yaml = `table_snapshot:
  table_name: t
  column_definitions:
    - name: s
      type: STRING
    - name: n
      type: INT
    - name: b
      type: BOOLEAN
    - name: ts
      type: TIME
  rows:
    - ["x", "3", "True", "2020-01-01"]
    - [null, "-4", "False", "2020-01-01 00:00:00.000000001"]
`

  it('types the cells and marks columns that hold nulls', () => {
    const t = parseFixtureTable(yaml, 't.yaml')
    expect(t.rows).toEqual([['x', 3, true, '2020-01-01'], [null, -4, false, '2020-01-01 00:00:00.000000001']])
    expect(t.columns.map((c) => c.nullable)).toEqual([true, false, false, false])
  })

  it('rejects a cell that does not fit its type', () => {
    expect(() => parseFixtureValue('1.5', 'INT', 'w')).toThrow(FixtureError)
    expect(() => parseFixtureValue('yes', 'BOOLEAN', 'w')).toThrow(/not a BOOLEAN/)
    expect(() => parseFixtureValue('01/02/2020', 'TIME', 'w')).toThrow(/not a date/)
  })

  it('rejects a row of the wrong width', () => {
    expect(() => parseFixtureTable(yaml.replace('["x", "3", "True", "2020-01-01"]', '["x", "3"]'), 't.yaml')).toThrow(/row 0 has 2 cells/)
  })
})

describe.skipIf(!suiteAvailable())('the vendored suite', () => {
  it('parses every case with a unique id and known required features', () => {
    const cases = loadCases(SUITE_DIR)
    expect(cases.length).toBeGreaterThan(250)
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length)
    expect(cases.flatMap((c) => c.required_features).every(isRequiredFeature)).toBe(true)
  })
})

describe('parseBaseline', () => {
  it('reads entries per database and ignores $-prefixed notes', () => {
    const b = parseBaseline(JSON.stringify({ $comment: 'x', pglite: [{ case: 'f/c', reason: 'why' }] }))
    expect(b.pglite).toEqual([{ case: 'f/c', reason: 'why' }])
    expect(b.mariadb).toEqual([])
  })

  it('rejects unknown databases, entries without a reason and duplicates', () => {
    expect(() => parseBaseline(JSON.stringify({ oracle: [] }))).toThrow(/unknown database/)
    expect(() => parseBaseline(JSON.stringify({ pglite: [{ case: 'f/c', reason: '' }] }))).toThrow(/non-empty reason/)
    expect(() => parseBaseline(JSON.stringify({ pglite: [{ case: 'f/c', reason: 'a' }, { case: 'f/c', reason: 'b' }] }))).toThrow(/twice/)
  })
})

describe('isStaleSchema', () => {
  const now = Date.UTC(2026, 0, 1, 12)
  const name = (msAgo: number) => `mf_conf_${(now - msAgo).toString(36)}_abc123`

  it('marks only harness schemas older than six hours', () => {
    expect(isStaleSchema(name(7 * 3_600_000), now)).toBe(true)
    expect(isStaleSchema(name(60_000), now)).toBe(false)
    expect(isStaleSchema('mf_conf_other', now)).toBe(false)
    expect(isStaleSchema('public', now)).toBe(false)
  })

  it('matches the names randomSchemaName produces', () => {
    expect(isStaleSchema(randomSchemaName(), Date.now() + 7 * 3_600_000)).toBe(true)
    expect(isStaleSchema(randomSchemaName())).toBe(false)
  })
})
