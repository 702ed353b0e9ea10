// Per-tenant webhook signing secret, stored sealed; created on first use.
import { randomBytes } from 'node:crypto'
import type { TenantService } from '../identity/tenants'
import type { SecretBox } from '../security/secret-box'
import { notFound } from '../errors'

const aad = (tenantId: string) => `webhook-secret:${tenantId}`

export class WebhookSecrets {
  constructor(private readonly tenants: TenantService, private readonly box: SecretBox) {}

  async get(tenantId: string): Promise<string> {
    const t = await this.tenants.get(tenantId)
    if (!t) throw notFound('tenant')
    if (t.webhookSecretEnc) return this.box.open(t.webhookSecretEnc, aad(tenantId))
    return this.rotate(tenantId)
  }

  /**
   * Whether a secret is set and a hint of it (its first 8 and last 4
   * characters), without creating one: what a settings page shows without
   * ever holding the secret.
   */
  async status(tenantId: string): Promise<{ set: boolean; hint: string | null }> {
    const t = await this.tenants.get(tenantId)
    if (!t) throw notFound('tenant')
    if (!t.webhookSecretEnc) return { set: false, hint: null }
    const secret = this.box.open(t.webhookSecretEnc, aad(tenantId))
    return { set: true, hint: `${secret.slice(0, 8)}…${secret.slice(-4)}` }
  }

  async rotate(tenantId: string): Promise<string> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    await this.tenants.update(tenantId, { webhookSecretEnc: this.box.seal(secret, aad(tenantId)) })
    return secret
  }
}
