// restrictManifest: a principal's view of a layer under access policies (pure).
import { describe, expect, it } from 'vitest'
import { buildCatalog, compile, getDialect, SemanticError } from '../../../semantic'
import { importAccessPolicies, restrictManifest, validateAccessPolicies, type AccessPolicy } from '../../../semantic/access'
import { accessContextKey } from '../../../src/governance/access-context'
import { shopManifest } from './shop-manifest'

const pg = getDialect('postgres')
const regional: AccessPolicy = { name: 'regional', model: 'customers', row_filter: "{{ Dimension('customer__region') }} IN {{ Attribute('region') }}" }
const analyst = (attributes: Record<string, string | string[] | number>) => ({ role: 'analyst', attributes })

describe('restrictManifest', () => {
  it('leaves the manifest untouched when no policy applies', () => {
    const m = shopManifest()
    const r = restrictManifest(m, [{ ...regional, bypass_roles: ['admin'] }], { role: 'admin', attributes: {} })
    expect(r.manifest).toBe(m)
    expect(r.applied).toEqual([])
  })

  it('restricts admins too unless the policy lists them in bypass_roles', () => {
    const r = restrictManifest(shopManifest(), [regional], { role: 'admin', attributes: { region: 'EU' } })
    expect(r.applied.map((a) => a.policy)).toEqual(['regional'])
  })

  it('applies only to principals matching applies_to roles and attributes', () => {
    const p: AccessPolicy = { ...regional, applies_to: { roles: ['analyst'], attributes: { team: ['sales', 'ops'] } } }
    expect(restrictManifest(shopManifest(), [p], analyst({ region: 'EU', team: 'ops' })).applied).toHaveLength(1)
    expect(restrictManifest(shopManifest(), [p], analyst({ region: 'EU', team: 'hr' })).applied).toHaveLength(0)
    expect(restrictManifest(shopManifest(), [p], { role: 'viewer', attributes: { region: 'EU', team: 'ops' } }).applied).toHaveLength(0)
  })

  it('binds attribute values as parameters and reads the model through the filter', () => {
    const r = restrictManifest(shopManifest(), [regional], analyst({ region: ['EU', 'US'] }))
    const c = compile({ metrics: ['customers'] }, r.manifest, pg)
    expect(c.sql).toContain('FROM (SELECT * FROM "shop"."customers" WHERE ("region" IN ($1, $2))) src_1')
    expect(c.params).toEqual(['EU', 'US'])
  })

  it('carries the filter to models that point into the filtered one, so their totals shrink too', () => {
    const r = restrictManifest(shopManifest(), [regional], analyst({ region: 'EU' }))
    const c = compile({ metrics: ['revenue'] }, r.manifest, pg)
    expect(c.sql).toContain('customer_id IN (SELECT customer_id FROM "shop"."customers" WHERE ("region" IN ($1)))')
    // Metric() filters and dimension-only queries read the same filtered relations.
    const viaMetric = compile({ metrics: ['customers'], where: ["{{ Metric('revenue', group_by=['customer']) }} > 10"] }, r.manifest, pg)
    expect(viaMetric.sql.match(/"region" IN/g)?.length).toBeGreaterThanOrEqual(2)
    const distinct = compile({ metrics: [], group_by: ['customer__region'] }, r.manifest, pg)
    expect(distinct.sql).toContain('WHERE ("region" IN ($1))')
  })

  it('a where filter cannot widen the rows: it applies outside the filtered relation', () => {
    const r = restrictManifest(shopManifest(), [regional], analyst({ region: 'EU' }))
    const c = compile({ metrics: ['customers'], where: ["{{ Dimension('customer__region') }} = 'US' OR 1 = 1"] }, r.manifest, pg)
    expect(c.sql).toContain('FROM (SELECT * FROM "shop"."customers" WHERE ("region" IN ($1)))')
  })

  it('denies (403 access_denied naming the policy) when the principal lacks an attribute, by default', () => {
    const r = restrictManifest(shopManifest(), [regional], analyst({}))
    const err = (() => { try { compile({ metrics: ['customers'] }, r.manifest, pg) } catch (e) { return e } })() as SemanticError
    expect(err).toBeInstanceOf(SemanticError)
    expect(err.code).toBe('access_denied')
    expect(err.message).toContain('"regional"')
    // Models the policy does not reach stay readable.
    expect(() => compile({ metrics: ['visits'] }, r.manifest, pg)).toThrow(SemanticError)
  })

  it('reads no rows instead when on_missing_attribute is no_rows', () => {
    const r = restrictManifest(shopManifest(), [{ ...regional, on_missing_attribute: 'no_rows' }], analyst({}))
    expect(compile({ metrics: ['customers'] }, r.manifest, pg).sql).toContain('WHERE (1 = 0)')
  })

  it('refuses a list attribute where the filter compares with one value', () => {
    const p: AccessPolicy = { name: 'partner', model: 'customers', row_filter: "{{ Entity('customer') }} = {{ Attribute('partner_id') }}" }
    expect(compile({ metrics: ['customers'] }, restrictManifest(shopManifest(), [p], analyst({ partner_id: 42 })).manifest, pg).params).toEqual([42])
    expect(() => compile({ metrics: ['customers'] }, restrictManifest(shopManifest(), [p], analyst({ partner_id: ['1', '2'] })).manifest, pg)).toThrow(/access policy "partner"/)
  })

  it('hides members and everything built on them, from the catalog and the compiler', () => {
    const p: AccessPolicy = { name: 'no_revenue', model: 'orders', member_access: { hide: ['revenue', 'status'] } }
    const r = restrictManifest(shopManifest(), [p], analyst({}))
    const names = r.manifest.metrics.map((m) => m.name)
    expect(names).not.toContain('revenue')
    // Built on revenue: ratio, derived, cumulative; and the saved query that runs it.
    for (const n of ['revenue_per_order', 'revenue_growth_wow', 'revenue_7d']) expect(names).not.toContain(n)
    expect(names).toContain('orders')
    expect(r.manifest.saved_queries).toEqual([])
    const catalog = JSON.stringify(buildCatalog(r.manifest))
    expect(catalog).not.toContain('revenue')
    expect(catalog).not.toContain('order__status')
    expect(() => compile({ metrics: ['revenue'] }, r.manifest, pg)).toThrow(/revenue/)
    expect(() => compile({ metrics: ['orders'], group_by: ['order__status'] }, r.manifest, pg)).toThrow(SemanticError)
  })

  it('keeps only the allowed members of a model with an allow list', () => {
    const p: AccessPolicy = { name: 'partner_view', model: 'orders', member_access: { allow: ['orders', 'ordered_at'] } }
    const r = restrictManifest(shopManifest(), [p], analyst({}))
    expect(r.manifest.semantic_models.find((m) => m.name === 'orders')!.dimensions.map((d) => d.name)).toEqual(['ordered_at'])
    expect(r.manifest.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['orders', 'visits', 'customers']))
    expect(r.manifest.metrics.map((m) => m.name)).not.toContain('revenue')
  })

  it('masks dimensions everywhere they are read and drops sample values read from every row', () => {
    const p: AccessPolicy = { name: 'mask_region', model: 'customers', mask: [{ dimension: 'region', method: 'null' }] }
    const r = restrictManifest(shopManifest(), [p], analyst({}))
    const region = r.manifest.semantic_models.find((m) => m.name === 'customers')!.dimensions.find((d) => d.name === 'region')!
    expect(region.sample_values).toBeUndefined()
    const c = compile({ metrics: ['customers'], group_by: ['customer__region'], filters: [{ field: 'customer__region', op: '=', value: 'EU' }] }, r.manifest, pg)
    expect(c.sql).not.toMatch(/[^_]"region"/)
    expect(c.sql).toContain('CAST(NULL AS TEXT)')
  })

  it('keeps only the permitted sample values of the dimension a row filter pins, so planners still ground them', () => {
    const r = restrictManifest(shopManifest(), [regional], analyst({ region: ['EU'] }))
    const region = r.manifest.semantic_models.find((m) => m.name === 'customers')!.dimensions.find((d) => d.name === 'region')!
    expect(region.sample_values).toEqual(['EU'])
    const wider = restrictManifest(shopManifest(), [{ ...regional, row_filter: `${regional.row_filter} OR 1 = 0` }], analyst({ region: ['EU'] }))
    expect(wider.manifest.semantic_models.find((m) => m.name === 'customers')!.dimensions.find((d) => d.name === 'region')!.sample_values).toBeUndefined()
  })

  it('is deterministic: the same inputs give the same view', () => {
    const a = restrictManifest(shopManifest(), [regional], analyst({ region: ['EU'] }))
    const b = restrictManifest(shopManifest(), [regional], analyst({ region: ['EU'] }))
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
  })
})

describe('accessContextKey', () => {
  it('is the same for principals the policies see alike and differs otherwise', () => {
    const k = (attributes: Record<string, string | string[]>, role = 'analyst') => accessContextKey({ role, attributes }, [regional])
    expect(k({ region: ['EU'], other: 'x' })).toBe(k({ region: ['EU'], other: 'y' }))
    expect(k({ region: ['EU'] })).not.toBe(k({ region: ['US'] }))
    expect(k({})).not.toBe(k({ region: ['EU'] }))
    expect(accessContextKey({ role: 'admin', attributes: {} }, [{ ...regional, bypass_roles: ['admin'] }])).toBe(accessContextKey({ role: 'x', attributes: {} }, []))
  })
})

describe('validateAccessPolicies', () => {
  it('reports every problem with its path', () => {
    const problems = validateAccessPolicies(shopManifest(), [
      { name: 'a', model: 'stores', row_filter: 'x' },
      { name: 'b', model: 'customers', row_filter: "{{ Dimension('customer__regoin') }} = {{ Attribute('region') }}" },
      { name: 'b', model: 'customers', row_filter: "{{ Dimension('customer__region') }} = 'x'); DROP TABLE t; --" },
      { name: 'c', model: 'orders', member_access: { hide: ['ordered_at', 'nope'] }, mask: [{ dimension: 'ordered_at', method: 'hash' }] },
    ])
    const paths = problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining([
      'access_policies[0].model', 'access_policies[1].row_filter', 'access_policies[2].name', 'access_policies[2].row_filter',
      'access_policies[3].member_access.hide[0]', 'access_policies[3].member_access.hide[1]', 'access_policies[3].mask[0].dimension',
    ]))
    expect(problems.find((p) => p.path === 'access_policies[1].row_filter')!.message).toContain('customer__region')
  })

  it('accepts a valid policy', () => {
    expect(validateAccessPolicies(shopManifest(), [regional, { name: 'm', model: 'orders', mask: [{ dimension: 'status', method: 'partial' }] }])).toEqual([])
  })
})

describe('importAccessPolicies', () => {
  it('reads top-level access_policies and meta.nexatron.access of a model (defaulting its model)', () => {
    const r = importAccessPolicies([{ path: 'a.yml', content: `
semantic_models:
  - name: customers
    meta:
      nexatron:
        access:
          - { row_filter: "{{ Dimension('customer__region') }} = {{ Attribute('region') }}" }
access_policies:
  - { name: mask_status, model: orders, mask: [{ dimension: status, method: hash }] }
  - { name: bad, model: orders, mask: [{ dimension: status, method: rot13 }] }
` }])
    expect(r.policies.map((p) => [p.name, p.model])).toEqual([['mask_status', 'orders'], ['customers_access_1', 'customers']])
    expect(r.problems).toEqual([expect.objectContaining({ file: 'a.yml', path: 'access_policies[1].mask', line: 10 })])
  })
})

describe('a policy whose model is gone', () => {
  it('denies every model to the principals it applies to (fail closed)', () => {
    const r = restrictManifest(shopManifest(), [{ ...regional, model: 'old_customers' }], analyst({ region: 'EU' }))
    expect(() => compile({ metrics: ['visits'] }, r.manifest, pg)).toThrow(/no longer exists/)
  })
})
