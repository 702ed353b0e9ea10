// Access policies (pure): types, store-time validation, and the manifest
// transform that enforces them. See types.ts and restrict.ts.
export * from './types'
export { restrictManifest, policyApplies, type RestrictedManifest } from './restrict'
export { validateAccessPolicies, ATTRIBUTE_NAME, type PolicyProblem } from './validate-policies'
export { hideMaskKeyPieces, hideMaskKeys, maskedExpression, maskKeysOf } from './mask-sql'
export { importAccessPolicies, type ImportedPolicies } from './import-policies'
