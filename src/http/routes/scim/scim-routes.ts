// SCIM 2.0 (RFC 7644) under /scim/v2: Users and Groups (src/identity/groups.ts),
// plus the discovery documents. These routes speak SCIM, not the Nexatron
// API: their own bearer token, `application/scim+json`, SCIM error bodies.
// They are deliberately not in /openapi.json (SCIM clients discover them via
// /scim/v2/ServiceProviderConfig and /ResourceTypes); the route security
// suite checks them with a table of its own.
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { scimActor } from '../../../scim/scim-auth'
import { requireScimToken } from '../../middleware/scim-auth'
import { scimOnError } from '../../middleware/scim-errors'
import { SCIM_CONTENT_TYPE, ScimError } from '../../../scim/scim-error'
import { resourceTypes, SCHEMAS, serviceProviderConfig } from '../../../scim/scim-resources'

export const SCIM_BASE = '/scim/v2'

type C = Context<AppEnv>

const send = (c: C, body: unknown, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}) =>
  c.body(JSON.stringify(body), status, { ...headers, 'content-type': SCIM_CONTENT_TYPE })

/** Absolute base of resource locations; a trusted proxy's forwarded host and scheme win. */
function baseUrl(c: C): string {
  const url = new URL(c.req.url)
  if (c.get('services').config.limits.trustProxy) {
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim()
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
    if (host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) url.host = host
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`
  }
  return `${url.origin}${SCIM_BASE}`
}

function intParam(c: C, name: string): number | undefined {
  const v = c.req.query(name)
  if (v === undefined || v === '') return undefined
  if (!/^-?\d{1,9}$/.test(v)) throw new ScimError(400, `${name} must be an integer`, 'invalidValue')
  return Number(v)
}

function listQuery(c: C) {
  const filter = c.req.query('filter')
  return { filter: filter === undefined || filter === '' ? undefined : filter, startIndex: intParam(c, 'startIndex'), count: intParam(c, 'count') }
}

const attrList = (v: string | undefined) => (v ?? '').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean)

/**
 * `excludedAttributes=members` (Entra, Okta) skips listing every member of a
 * group, and so does `attributes=` naming other attributes only (members is
 * not returned by default: RFC 7643 "returned: default", so it is when
 * neither parameter is given).
 */
const withMembers = (c: C) => {
  if (attrList(c.req.query('excludedAttributes')).includes('members')) return false
  const only = attrList(c.req.query('attributes'))
  return only.length === 0 || only.includes('members')
}

async function body(c: C): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw new ScimError(400, 'the request needs a JSON body (Content-Type: application/scim+json)', 'invalidSyntax')
  }
}

const tenant = (c: C) => c.get('principal')!.tenantId
const id = (c: C) => c.req.param('id') ?? ''
/** The SCIM token acts within its creator's scopes. */
const actor = (c: C) => scimActor(c.get('principal')!)

export function registerScimServiceRoutes(app: OpenAPIHono<AppEnv>) {
  const scim = new Hono<AppEnv>()
  scim.onError(scimOnError)
  scim.use('*', requireScimToken())

  scim.get('/ServiceProviderConfig', (c) => send(c, serviceProviderConfig(baseUrl(c))))
  scim.get('/ResourceTypes', (c) => {
    const types = resourceTypes(baseUrl(c))
    return send(c, { schemas: [SCHEMAS.list], totalResults: types.length, startIndex: 1, itemsPerPage: types.length, Resources: types })
  })

  scim.get('/Users', async (c) => send(c, await c.get('services').scim.listUsers(tenant(c), listQuery(c), baseUrl(c))))
  scim.post('/Users', async (c) => {
    const user = await c.get('services').scim.createUser(tenant(c), await body(c), baseUrl(c), actor(c))
    return send(c, user, 201, { Location: user.meta.location })
  })
  scim.get('/Users/:id', async (c) => send(c, await c.get('services').scim.getUser(tenant(c), id(c), baseUrl(c))))
  scim.put('/Users/:id', async (c) => send(c, await c.get('services').scim.replaceUser(tenant(c), id(c), await body(c), baseUrl(c), actor(c))))
  scim.patch('/Users/:id', async (c) => send(c, await c.get('services').scim.patchUser(tenant(c), id(c), await body(c), baseUrl(c), actor(c))))
  scim.delete('/Users/:id', async (c) => {
    await c.get('services').scim.deleteUser(tenant(c), id(c), actor(c))
    return c.body(null, 204)
  })

  scim.get('/Groups', async (c) => send(c, await c.get('services').scim.listGroups(tenant(c), { ...listQuery(c), withMembers: withMembers(c) }, baseUrl(c))))
  scim.post('/Groups', async (c) => {
    const group = await c.get('services').scim.createGroup(tenant(c), await body(c), baseUrl(c), actor(c))
    return send(c, group, 201, { Location: group.meta.location })
  })
  scim.get('/Groups/:id', async (c) => send(c, await c.get('services').scim.getGroup(tenant(c), id(c), withMembers(c), baseUrl(c))))
  scim.put('/Groups/:id', async (c) => send(c, await c.get('services').scim.replaceGroup(tenant(c), id(c), await body(c), baseUrl(c), actor(c))))
  scim.patch('/Groups/:id', async (c) => send(c, await c.get('services').scim.patchGroup(tenant(c), id(c), await body(c), baseUrl(c), actor(c))))
  scim.delete('/Groups/:id', async (c) => {
    await c.get('services').scim.deleteGroup(tenant(c), id(c), actor(c))
    return c.body(null, 204)
  })

  app.route(SCIM_BASE, scim)
}
