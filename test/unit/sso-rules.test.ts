// The pure rules of single sign-on: where a sign-in may return to, and how an
// identity provider's groups become one Nexatron role (SCIM's rules).
import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../../src/identity/sso/return-to'
import { groupsFromClaims, roleFromGroups } from '../../src/identity/sso/role-mapping'
import { issuerError } from '../../src/identity/sso/sso-settings'
import { loadConfig } from '../../src/config'

describe('safeReturnTo', () => {
  it('keeps paths on this origin, with their query and fragment', () => {
    expect(safeReturnTo('/ask?q=1#top')).toBe('/ask?q=1#top')
    expect(safeReturnTo('/settings/api-keys')).toBe('/settings/api-keys')
    expect(safeReturnTo(undefined)).toBe('/')
    expect(safeReturnTo('')).toBe('/')
  })

  it('refuses anything a browser could read as another origin', () => {
    for (const v of ['//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example', 'evil.example',
      'javascript:alert(1)', 'data:text/html,x', '/\t/evil.example', '/\n/evil.example', ' /ask', '/ask\u0000', `/${'a'.repeat(3000)}`]) {
      expect(safeReturnTo(v), JSON.stringify(v)).toBeNull()
    }
  })

  it('does not land the browser on the API', () => {
    expect(safeReturnTo('/api/v1/auth/sso/start?tenant=x')).toBeNull()
  })

  it('normalizes dot segments before deciding', () => {
    expect(safeReturnTo('/a/../api/v1/auth/me')).toBeNull()
    expect(safeReturnTo('/a/./b')).toBe('/a/b')
  })
})

describe('roleFromGroups', () => {
  const mapping = { 'Nexatron Admins': 'admin', 'Nexatron Analysts': 'analyst', '0d5f-guid': 'viewer' } as const

  it('maps configured groups and groups named like a role, the strongest winning', () => {
    expect(roleFromGroups(['Everyone', 'Nexatron Analysts'], mapping, 'viewer')).toBe('analyst')
    expect(roleFromGroups(['Nexatron Analysts', 'Nexatron Admins'], mapping, 'viewer')).toBe('admin')
    expect(roleFromGroups(['analyst'], mapping, 'viewer')).toBe('analyst')
    expect(roleFromGroups(['viewer', 'admin'], {}, 'viewer')).toBe('admin')
  })

  it('gives the default role when nothing matches, and no role when the claim is absent', () => {
    expect(roleFromGroups(['Marketing'], mapping, 'viewer')).toBe('viewer')
    expect(roleFromGroups([], mapping, 'analyst')).toBe('analyst')
    expect(roleFromGroups(undefined, mapping, 'viewer')).toBeUndefined()
  })

  it('compares group names exactly, as SCIM group ids are compared', () => {
    expect(roleFromGroups(['Admin', 'nexatron admins'], mapping, 'viewer')).toBe('viewer')
  })

  it('does not treat inherited object properties as mappings', () => {
    expect(roleFromGroups(['constructor', 'toString', '__proto__'], mapping, 'viewer')).toBe('viewer')
  })
})

describe('groupsFromClaims', () => {
  it('reads a list, a single string, or a dotted path into nested claims', () => {
    expect(groupsFromClaims({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b'])
    expect(groupsFromClaims({ roles: 'admin' }, 'roles')).toEqual(['admin'])
    expect(groupsFromClaims({ realm_access: { roles: ['analyst'] } }, 'realm_access.roles')).toEqual(['analyst'])
    expect(groupsFromClaims({ 'https://acme/roles': ['x'] }, 'https://acme/roles')).toEqual(['x'])
  })

  it('answers undefined when the claim is absent or not configured', () => {
    expect(groupsFromClaims({}, 'groups')).toBeUndefined()
    expect(groupsFromClaims({ groups: ['a'] }, null)).toBeUndefined()
  })
})

describe('issuerError', () => {
  it('accepts https issuers and http on loopback only', () => {
    expect(issuerError('https://acme.okta.com')).toBeNull()
    expect(issuerError('https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0')).toBeNull()
    expect(issuerError('http://127.0.0.1:8080')).toBeNull()
    expect(issuerError('http://localhost:8080/realms/x')).toBeNull()
    expect(issuerError('http://idp.example.com')).toMatch(/https/)
  })

  it('refuses user info, queries, fragments and odd host spellings', () => {
    expect(issuerError('https://user:pw@idp.example.com')).toMatch(/user/)
    expect(issuerError('https://idp.example.com/?a=1')).toMatch(/query/)
    expect(issuerError('https://idp.example.com/#x')).toMatch(/fragment/)
    expect(issuerError('ftp://idp.example.com')).not.toBeNull()
    expect(issuerError('not a url')).not.toBeNull()
  })
})

describe('NEXATRON_PUBLIC_URL', () => {
  it('is an http(s) URL or unset', () => {
    expect(loadConfig({ NEXATRON_PUBLIC_URL: 'https://nexatron.acme.example' }).publicUrl).toBe('https://nexatron.acme.example')
    expect(loadConfig({}).publicUrl).toBeUndefined()
    expect(() => loadConfig({ NEXATRON_PUBLIC_URL: 'ftp://nexatron.acme.example' })).toThrow(/NEXATRON_PUBLIC_URL/)
  })
})
