export { registerConsole, CONSOLE_DIST, isConsoleAsset } from './console-routes'
export { registerDocs } from './docs-routes'
export { CONTENT_SECURITY_POLICY, setSecurityHeaders } from './security-headers'
