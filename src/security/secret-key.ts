// Where the credential-encryption key comes from. Embedded store: generated
// once into <data dir>/secret.key (mode 0600). With DATABASE_URL the key must
// be configured: a generated key on one of several instances would make the
// others unable to read credentials.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { parseKey, SecretBox } from './secret-box'
import { ConfigError } from '../config-error'

export function resolveSecretBox(opts: { secretKey?: string; previousKeys?: string[]; databaseUrl?: string; dataDir: string; inMemory?: boolean }): { box: SecretBox; generated: boolean } {
  const previous = (opts.previousKeys ?? []).map((k) => parseKey(k, 'NEXATRON_SECRET_KEY_PREVIOUS'))
  if (opts.secretKey) {
    try {
      return { box: new SecretBox(parseKey(opts.secretKey), previous), generated: false }
    } catch (e) {
      throw new ConfigError((e as Error).message)
    }
  }
  if (opts.databaseUrl) {
    throw new ConfigError(
      'NEXATRON_SECRET_KEY is required when DATABASE_URL is set (32 random bytes, base64). Generate one with:\n' +
      '  node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    )
  }
  if (opts.inMemory) return { box: new SecretBox(randomBytes(32), previous), generated: true }
  const file = path.resolve(opts.dataDir, 'secret.key')
  if (existsSync(file)) return { box: new SecretBox(parseKey(readFileSync(file, 'utf8'), file), previous), generated: false }
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return { box: new SecretBox(parseKey(readFileSync(file, 'utf8'), file), previous), generated: true }
}
