// Abuse: a MetricFlow import whose YAML nests absurdly deep. The yaml library
// composes documents recursively, so before the depth limit a 1 MiB body of
// `[[[[...` kept the event loop busy for about 7 s (every tenant of the
// instance waited) and then answered with the JS text "Maximum call stack size
// exceeded". Now the text is measured on the lexer first and refused as an
// import problem naming the limit and the line (semantic/import/yaml-depth.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { MAX_YAML_DEPTH, yamlTooDeep } from '../../semantic/import/yaml-depth'

const BODY_BYTES = 1 << 20
let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_MAX_BODY_BYTES: String(BODY_BYTES) }, { demo: true }) })
afterAll(async () => { await t?.close() })

const importing = (content: string) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/bomb.yml', content }], check_relations: false, refresh_sample_values: false },
})

/** `n` maps, each one column deeper than its parent. */
const indented = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'

describe('YAML nesting in a semantic import', () => {
  it.each([
    ['flow sequences filling the body', '['.repeat(BODY_BYTES - 500), 1],
    ['flow maps filling the body', 'a: ' + '{b: '.repeat((BODY_BYTES - 500) / 4), 1],
    ['indented maps', indented(MAX_YAML_DEPTH + 1), MAX_YAML_DEPTH + 1],
    ['compact sequences on one line', 'x:\n  ' + '- '.repeat(MAX_YAML_DEPTH + 1) + '1\n', 2],
  ])('refuses %s with 422 naming the limit and the line, before composing it', async (_label, content, line) => {
    const res = await importing(content)
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.code).toBe('invalid_model')
    expect(body.error.details).toEqual([expect.objectContaining({ file: 'models/bomb.yml', line, issue: `YAML nests deeper than ${MAX_YAML_DEPTH} levels` })])
    expect(JSON.stringify(body)).not.toMatch(/call stack/i)
  })

  it('is not fooled by closing brackets inside quotes or by comment lines between the levels', () => {
    expect(yamlTooDeep(`x: ["${']'.repeat(200)}", ${'['.repeat(MAX_YAML_DEPTH)}`)).toEqual({ line: 1 })
    const commented = Array.from({ length: MAX_YAML_DEPTH + 1 }, (_, i) => `${' '.repeat(i)}k${i}:\n# a comment at column 0`).join('\n')
    expect(yamlTooDeep(commented)).toEqual({ line: 2 * MAX_YAML_DEPTH + 1 })
  })

  it('counts the lines of block and multi-line scalars when it names the line', () => {
    const text = 'a: |\n  one\n  two\nb: "multi\n  line"\n' + indented(MAX_YAML_DEPTH + 1)
    expect(yamlTooDeep(text)).toEqual({ line: 5 + MAX_YAML_DEPTH + 1 })
  })

  it('still imports a file nested to the limit', async () => {
    expect(yamlTooDeep(indented(MAX_YAML_DEPTH))).toBeUndefined()
    const res = await importing(indented(MAX_YAML_DEPTH))
    // Not a semantic layer, but read and checked as YAML: the problem is its content, not its depth.
    const body = await res.json()
    expect(JSON.stringify(body)).not.toContain('nests deeper')
  })
})

describe('YAML nesting hidden between block scalars', () => {
  it('keeps counting levels across block scalars that sit at each level', () => {
    const text = Array.from({ length: MAX_YAML_DEPTH + 1 }, (_, i) => `${' '.repeat(i)}d${i}: |\n${' '.repeat(i + 1)}text\n${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'
    expect(yamlTooDeep(text)).toEqual({ line: 3 * MAX_YAML_DEPTH + 1 })
  })
})
