// MySQL authentication over plain TCP (config.ssl = disable) must not hand the
// password to whoever answers. mysql2 already refuses `mysql_clear_password`
// unless enabled (we never enable it). What remains is the RSA exchange of
// `sha256_password` and of `caching_sha2_password`'s full authentication: the
// client asks the server for its public key and sends the password encrypted
// with it, so a server that is not the one we meant (a re-pointed host, a man
// in the middle) supplies its own key and reads the password. Without TLS
// these plugins refuse that step; the challenge-response paths still work.
import mysql from 'mysql2'
import type { AuthPlugin } from 'mysql2'

type KeyPluginName = 'sha256_password' | 'caching_sha2_password'
type PluginFactory = (options?: object) => AuthPlugin

/** The packet each plugin sends to ask the server for its public key. */
const REQUEST_SERVER_KEY: Record<KeyPluginName, number> = { sha256_password: 1, caching_sha2_password: 2 }

const builtin = (mysql as unknown as { authPlugins: Record<KeyPluginName, PluginFactory> }).authPlugins

export const PASSWORD_REFUSED_MESSAGE = 'refused to send the password: the server asked for it encrypted with a key it supplies, over a connection without TLS; turn on config.ssl'

/** `plugin` that fails instead of sending the password encrypted with a key the server supplies. */
export function refuseServerKey(name: KeyPluginName, plugin: PluginFactory = builtin[name]): AuthPlugin {
  return (meta) => {
    const step = plugin()(meta)
    const password = (meta.connection as unknown as { config: { password?: string } }).config.password
    return (data) => {
      const out = step(data)
      if (password && Buffer.isBuffer(out) && out.length === 1 && out[0] === REQUEST_SERVER_KEY[name]) {
        return Promise.reject(Object.assign(new Error(PASSWORD_REFUSED_MESSAGE), { passwordRefused: true })) as Promise<Buffer>
      }
      return out
    }
  }
}

/** The `authPlugins` option for a connection without TLS. */
export function plainTcpAuthPlugins(): Record<string, AuthPlugin> {
  return { sha256_password: refuseServerKey('sha256_password'), caching_sha2_password: refuseServerKey('caching_sha2_password') }
}
