// Credential encryption: AES-256-GCM, random 96-bit nonce per record, the
// record's identity (tenant + connection id) bound as associated data so a
// sealed blob copied onto another record fails to open. Each blob names the
// key it was sealed with (a short hash of the key), so keys can be rotated:
// configure the new key as current and the old one as previous, then
// `npx nexatron secrets rotate` re-seals every record.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

const FORMAT = 'nxs1'

export class SecretBoxError extends Error {}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8)
}

export function parseKey(b64: string, name = 'NEXATRON_SECRET_KEY'): Buffer {
  const key = Buffer.from(b64.trim(), 'base64')
  if (key.length !== 32) throw new SecretBoxError(`${name} must be 32 bytes, base64-encoded (got ${key.length} bytes)`)
  return key
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>()
  readonly currentKeyId: string

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.currentKeyId = keyId(current)
    this.keys.set(this.currentKeyId, current)
    for (const k of previous) this.keys.set(keyId(k), k)
  }

  seal(plaintext: string, aad: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce)
    cipher.setAAD(Buffer.from(aad, 'utf8'))
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const tag = cipher.getAuthTag()
    return [FORMAT, this.currentKeyId, nonce.toString('base64'), ct.toString('base64'), tag.toString('base64')].join(':')
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split(':')
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretBoxError('sealed value has an unknown format')
    const key = this.keys.get(parts[1])
    if (!key) throw new SecretBoxError(`sealed with key ${parts[1]}, which is not configured`)
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64'))
      decipher.setAAD(Buffer.from(aad, 'utf8'))
      decipher.setAuthTag(Buffer.from(parts[4], 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64')), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretBoxError('sealed value failed authentication')
    }
  }

  /** A purpose-bound key derived from the current key (e.g. the JWT signing key when none is configured). */
  deriveKey(info: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys.get(this.currentKeyId)!, Buffer.alloc(0), info, 32))
  }

  /** Whether a blob was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentKeyId
  }

  sealJson(value: unknown, aad: string): string {
    return this.seal(JSON.stringify(value), aad)
  }
  openJson<T>(sealed: string, aad: string): T {
    return JSON.parse(this.open(sealed, aad)) as T
  }
}
