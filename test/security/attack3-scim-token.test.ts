// Attack: win a race for the tenant's SCIM token. A users:manage key may not
// replace or delete a token an admin made (identity-escalation.test.ts). But
// when no token exists yet (or the admin just deleted it to rotate), the key
// fires its own rotation alongside the admin's: both transactions found no
// token to lock, both inserted, and the loser hit the tenant's unique index,
// an internal error. When the admin's was the loser, the admin got a 500 and
// the tenant kept the weaker token. Rotations of one tenant must be serial:
// whichever comes second sees the first's token and the scope rule decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { makeKey } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_attack3_scim_${randomBytes(4).toString('hex')}`

// On a PostgreSQL store: the embedded one runs one statement at a time, so it has no race to lose.
describe.skipIf(!hasPg)('attack: racing the admin for the SCIM token', () => {
  let admin: pg.Client
  let t: TestApp

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVICES.postgres.url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    t = await createTestApp({
      DATABASE_URL: `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`,
      NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'),
    })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })

  it("always leaves the admin's token in place, and answers neither side with a 5xx", async () => {
    const weak = await makeKey(t, { scopes: ['users:manage'] })
    for (let round = 0; round < 15; round++) {
      const gone = await t.request('DELETE', '/api/v1/scim-token')
      expect([204, 404]).toContain(gone.status)
      const [w, s] = await Promise.all([
        t.request('POST', '/api/v1/scim-token', { key: weak.key }),
        t.request('POST', '/api/v1/scim-token'),
      ])
      // the admin's rotation succeeds whoever came first; the key's either came first (and was replaced) or is refused
      expect(s.status, await s.clone().text()).toBe(201)
      expect([201, 403], await w.clone().text()).toContain(w.status)
      const adminToken = (await s.json()).token as string
      const current = (await (await t.request('GET', '/api/v1/scim-token')).json()).token
      expect(current.scopes).toEqual(['*'])
      expect(adminToken.startsWith(current.prefix) && adminToken.endsWith(current.last4)).toBe(true)
    }
  }, 60_000)
})
