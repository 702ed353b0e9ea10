// SCIM answers errors in its own shape (RFC 7644 §3.12), not in Nexatron's
// envelope. The SCIM service throws ScimError (or AppError); the status is
// part of the SCIM protocol's error (RFC 7644 Table 8), so it lives here.
// src/http/middleware/scim-errors.ts writes every error answer under /scim/
// in this shape.

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8'

/** RFC 7644 Table 9. */
export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive'

export class ScimError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 500 | 501,
    message: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ScimError'
  }
}

export interface ScimErrorBody { schemas: [typeof SCIM_ERROR_SCHEMA]; status: string; detail: string; scimType?: ScimType }

export function scimErrorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail, ...(scimType ? { scimType } : {}) }
}
