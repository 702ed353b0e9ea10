import type { Principal } from '../identity/principal'
import type { Services } from '../services'

export interface AppEnv {
  Variables: {
    requestId: string
    services: Services
    /** Set by the auth middleware when a valid credential was presented. */
    principal?: Principal
    /** Why a presented credential was refused (missing / invalid / expired). */
    authProblem?: string
  }
}
