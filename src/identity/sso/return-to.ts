// Where a sign-in may send the browser afterwards: only a path on our own
// origin. Anything a browser could read as another origin (`//evil`, `/\evil`,
// `https://evil`, a scheme, control characters that browsers strip) is refused,
// so the sign-in cannot be used as an open redirect.
const MAX_LENGTH = 2048
const PROBE_ORIGIN = 'http://return-to.invalid'

/** The same-origin path to return to, or null when `value` is not one. */
export function safeReturnTo(value: string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return '/'
  if (value.length > MAX_LENGTH) return null
  // A relative path, not a protocol-relative URL; browsers treat `\` like `/`.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null
  // Control characters and whitespace are dropped or folded by URL parsers: refuse rather than guess.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(value)) return null
  let url: URL
  try {
    url = new URL(value, PROBE_ORIGIN)
  } catch {
    return null
  }
  if (url.origin !== PROBE_ORIGIN) return null
  // Dot segments are resolved by the parse: `/.//evil` (or `/%2e//evil`) comes out as `//evil`,
  // protocol-relative again. What we return is the parsed path, so it is checked as well.
  if (url.pathname.startsWith('//')) return null
  // The API is not a place to land a browser on (and /auth/sso/* would loop).
  if (url.pathname.startsWith('/api/')) return null
  return `${url.pathname}${url.search}${url.hash}`
}
