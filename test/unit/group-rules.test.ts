// The pure rules behind groups: the role mapping (NEXATRON_SCIM_ROLE_GROUPS),
// how group attributes merge into a user's, and how policies match groups.
import { describe, expect, it } from 'vitest'
import { parseRoleGroups, roleFromGroups } from '../../src/identity/role-groups'
import { effectiveAttributes } from '../../src/identity/effective-attributes'
import { importAccessPolicies, policyApplies, type AccessPolicy } from '../../semantic/access'
import { loadConfig } from '../../src/config'

describe('NEXATRON_SCIM_ROLE_GROUPS', () => {
  it('maps group names (any case, several per role) to roles, and picks the highest role a user holds', () => {
    const map = parseRoleGroups('admin:Nexatron Admins, analyst:Nexatron Analysts,analyst:Data Team')
    expect(roleFromGroups(['data team'], map)).toBe('analyst')
    expect(roleFromGroups(['Data Team', 'NEXATRON ADMINS', 'Book Club'], map)).toBe('admin')
    expect(roleFromGroups(['Book Club'], map)).toBeUndefined()
  })

  it('defaults to the groups named after the roles, and `none` turns the mapping off', () => {
    expect(roleFromGroups(['Analyst'], parseRoleGroups(undefined))).toBe('analyst')
    expect(roleFromGroups(['admin'], parseRoleGroups('none'))).toBeUndefined()
  })

  it('refuses malformed entries, naming the variable and the entry', () => {
    expect(() => parseRoleGroups('owner:Owners')).toThrow(/NEXATRON_SCIM_ROLE_GROUPS: "owner:Owners"/)
    expect(() => parseRoleGroups('admin')).toThrow(/NEXATRON_SCIM_ROLE_GROUPS/)
    expect(() => parseRoleGroups('admin:X,viewer:x')).toThrow(/mapped to both admin and viewer/)
    expect(() => loadConfig({ NEXATRON_SCIM_ROLE_GROUPS: 'analyst:' })).toThrow(/NEXATRON_SCIM_ROLE_GROUPS/)
    expect(loadConfig({ NEXATRON_SCIM_ROLE_GROUPS: 'admin:IT' }).scim.roleGroups.get('it')).toBe('admin')
  })
})

describe('effective attributes', () => {
  it('unions list values of the user and their groups', () => {
    expect(effectiveAttributes({ region: ['West'] }, [{ region: ['East'] }, { region: 'West', tier: ['gold'] }])).toEqual({ region: ['West', 'East'], tier: ['gold'] })
  })

  it("keeps the user's own scalar over the groups' values", () => {
    expect(effectiveAttributes({ region: 'North', partner: 7 }, [{ region: ['East', 'West'] }])).toEqual({ region: 'North', partner: 7 })
  })

  it('keeps a scalar the groups agree on, and lists scalars they disagree on', () => {
    expect(effectiveAttributes({}, [{ partner: 42 }, { partner: 42 }])).toEqual({ partner: 42 })
    expect(effectiveAttributes({}, [{ partner: 42 }, { partner: 43 }])).toEqual({ partner: [42, 43] })
    // Values of different types stay apart (42 is not "42").
    expect(effectiveAttributes({}, [{ partner: 42 }, { partner: '42' }])).toEqual({ partner: [42, '42'] })
  })
})

describe('policies matching groups', () => {
  const policy: AccessPolicy = { name: 'p', model: 'm', applies_to: { groups: ['Contractors'] }, mask: [{ dimension: 'd', method: 'hash' }] }
  it('applies_to.groups needs one of the groups (case-insensitive); bypass_groups lets a group through', () => {
    expect(policyApplies(policy, { role: 'analyst', attributes: {}, groups: ['contractors'] })).toBe(true)
    expect(policyApplies(policy, { role: 'analyst', attributes: {}, groups: ['Employees'] })).toBe(false)
    expect(policyApplies(policy, { role: 'analyst', attributes: {} })).toBe(false)
    const everyone: AccessPolicy = { name: 'q', model: 'm', row_filter: '1 = 1', bypass_groups: ['Auditors'] }
    expect(policyApplies(everyone, { role: 'admin', attributes: {}, groups: ['AUDITORS'] })).toBe(false)
    expect(policyApplies(everyone, { role: 'viewer', attributes: {}, groups: ['Sales'] })).toBe(true)
  })

  it('imports groups from YAML and locates malformed group fields', () => {
    const ok = importAccessPolicies([{ path: 'a.yml', content: 'access_policies:\n  - { name: p, model: m, applies_to: { groups: [Sales West] }, bypass_groups: [Auditors], row_filter: "1 = 1" }\n' }])
    expect(ok.problems).toEqual([])
    expect(ok.policies[0]).toMatchObject({ applies_to: { groups: ['Sales West'] }, bypass_groups: ['Auditors'] })
    const bad = importAccessPolicies([{ path: 'b.yml', content: 'access_policies:\n  - name: p\n    model: m\n    applies_to: { groups: Sales }\n    bypass_groups: [1]\n' }])
    expect(bad.problems.map((p) => p.path).sort()).toEqual(['access_policies[0].applies_to.groups', 'access_policies[0].bypass_groups'])
  })
})
