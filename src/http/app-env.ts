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
    /**
     * The query run this request prepared: the quota meters its rows and LLM
     * tokens whatever the answer (a 422 after planning spent tokens too).
     */
    runId?: string
  }
}
