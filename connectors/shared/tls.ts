// TLS options for node's tls.connect from our ssl mode + PEM fields.
import type { ConnectionOptions } from 'node:tls'
import type { SslMode } from './config-fields'

export interface TlsInput {
  mode: SslMode
  ca?: string
  cert?: string
  key?: string
  keyPassphrase?: string
}

/** `false` for no TLS, otherwise tls.connect options. */
export function tlsOptions(t: TlsInput): false | ConnectionOptions {
  if (t.mode === 'disable') return false
  const o: ConnectionOptions = {}
  if (t.ca) o.ca = t.ca
  if (t.cert) o.cert = t.cert
  if (t.key) o.key = t.key
  if (t.keyPassphrase) o.passphrase = t.keyPassphrase
  if (t.mode === 'require') o.rejectUnauthorized = false
  else {
    o.rejectUnauthorized = true
    // verify-ca: chain must verify, host name is not checked.
    if (t.mode === 'verify-ca') o.checkServerIdentity = () => undefined
  }
  return o
}
