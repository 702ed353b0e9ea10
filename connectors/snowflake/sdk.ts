// Loads snowflake-sdk once, with its side effects pointed away from the
// service's working directory and the user's home.
//
// Why lazy: the SDK creates its OCSP cache directory (default ~/.cache/snowflake)
// the moment its module is evaluated, and only reads SF_OCSP_RESPONSE_CACHE_DIR
// to choose it; a static import would run before we could set that variable.
// Its logger writes `snowflake.log` into the working directory unless given a
// custom logger; ours drops the driver's messages (they are unstructured text
// that may quote SQL) because failures reach the service as ConnectorErrors.
import os from 'node:os'
import path from 'node:path'
import type * as SnowflakeSdk from 'snowflake-sdk'
import { capSnowflakeAnswers } from './answer-cap'

export type Sdk = typeof SnowflakeSdk

const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} }

let loading: Promise<Sdk> | undefined

/** The configured snowflake-sdk module (loaded on first use). */
export function loadSnowflakeSdk(): Promise<Sdk> {
  loading ??= (async () => {
    // Respect an operator's own choice; otherwise a private temp directory.
    process.env.SF_OCSP_RESPONSE_CACHE_DIR ??= path.join(os.tmpdir(), 'nexatron-snowflake-cache')
    // The SDK bundles the AWS SDK (for stage transfers we never use), which
    // warns on every start that future versions need Node 22.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    const mod = (await import('snowflake-sdk')) as Sdk & { default?: Sdk }
    const sdk = mod.default ?? mod
    sdk.configure({ customLogger: silent, logLevel: 'OFF', additionalLogToConsole: false })
    // Before any connection: every HTTP answer the SDK reads is bounded in bytes.
    capSnowflakeAnswers()
    return sdk
  })()
  return loading
}
