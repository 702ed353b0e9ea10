import { describe, expect, it } from 'vitest'
import { TemplateError, defineEnum, defineFunction, renderTemplate, asString, type TemplateContext, type TemplateValue } from './template'

const echo = defineFunction('echo', [{ name: 'a' }, { name: 'b', default: null }, { name: 'c', default: [] }], (x) => JSON.stringify(x))

const ctx: TemplateContext = {
  schema: 'mf_x',
  echo,
  TimeGranularity: defineEnum('TimeGranularity', ['day', 'week']),
  upper: defineFunction('upper', [{ name: 's' }], (x) => asString(x.s, 's').toUpperCase()),
}

describe('renderTemplate', () => {
  it('substitutes names and leaves surrounding text untouched', () => {
    expect(renderTemplate('SELECT * FROM {{ schema }}.t WHERE a = {1}', ctx)).toBe('SELECT * FROM mf_x.t WHERE a = {1}')
  })

  it('accepts expressions without spaces inside the braces', () => {
    expect(renderTemplate('{{schema}}.t', ctx)).toBe('mf_x.t')
  })

  it('binds positional and keyword arguments like Python', () => {
    expect(renderTemplate("{{ echo('x', c=['p', \"q\"]) }}", ctx)).toBe('{"a":"x","c":["p","q"],"b":null}')
    expect(renderTemplate('{{ echo(1, 2.5) }}', ctx)).toBe('{"a":1,"b":2.5,"c":[]}')
  })

  it('reads True/False/None and tuples', () => {
    expect(renderTemplate('{{ echo(True, False, ()) }}', ctx)).toBe('{"a":true,"b":false,"c":[]}')
    expect(renderTemplate("{{ echo(None, -3, ('a', 'b')) }}", ctx)).toBe('{"a":null,"b":-3,"c":["a","b"]}')
  })

  it('resolves enum members through attribute access', () => {
    const seen: TemplateValue[] = []
    const spy = defineFunction('spy', [{ name: 'g' }], (x) => { seen.push(x.g); return 'ok' })
    expect(renderTemplate('{{ spy(TimeGranularity.WEEK) }}', { ...ctx, spy })).toBe('ok')
    expect(seen[0]).toEqual({ kind: 'enum', enum: 'TimeGranularity', member: 'WEEK', value: 'week' })
  })

  it('evaluates nested calls (a template function inside another)', () => {
    expect(renderTemplate("{{ upper(upper('ab')) }}", ctx)).toBe('AB')
  })

  it('prints the output of a function verbatim, even when it contains braces', () => {
    const tpl = defineFunction('tpl', [], () => "{{ Dimension('x') }}")
    expect(renderTemplate('{{ tpl() }} = 1', { tpl })).toBe("{{ Dimension('x') }} = 1")
  })

  it('handles escapes inside string literals', () => {
    expect(renderTemplate("{{ upper('it\\'s') }}", ctx)).toBe("IT'S")
  })

  it('applies whitespace control markers', () => {
    expect(renderTemplate('a  \n  {{- schema -}}  \n b', ctx)).toBe('amf_xb')
  })

  it('drops comments', () => {
    expect(renderTemplate('a{# note #}b', ctx)).toBe('ab')
  })

  it.each([
    ['an undefined name', '{{ nope }}', /'nope' is undefined/],
    ['an unknown enum member', '{{ echo(TimeGranularity.FORTNIGHT) }}', /no attribute 'FORTNIGHT'/],
    ['an unknown keyword argument', "{{ echo('a', d=1) }}", /unexpected keyword argument 'd'/],
    ['a missing required argument', '{{ echo() }}', /missing required argument 'a'/],
    ['too many arguments', '{{ echo(1, 2, 3, 4) }}', /takes 3 arguments/],
    ['a duplicated argument', "{{ echo('a', a='b') }}", /multiple values for argument 'a'/],
    ['an unclosed expression', 'x {{ schema', /unclosed/],
    ['an unterminated string', "{{ upper('x) }}", /unterminated string/],
    ['a statement block', '{% if x %}y{% endif %}', /statements are not supported/],
    ['calling a string', '{{ schema() }}', /not callable/],
    ['printing a function', '{{ echo }}', /cannot print/],
    ['an operator outside the subset', '{{ schema + 1 }}', /unexpected character '\+'/],
  ])('refuses %s', (_what, template, message) => {
    expect(() => renderTemplate(template, ctx)).toThrow(TemplateError)
    expect(() => renderTemplate(template, ctx)).toThrow(message)
  })

  it('names the failing spot in the error', () => {
    expect(() => renderTemplate('SELECT {{ nope(1) }} FROM t', ctx)).toThrow(/in: \{\{ nope\(1\) \}\}/)
  })
})
