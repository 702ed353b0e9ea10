// The web console (console/, built into console/dist by `npm run build`) at `/`.
// Hashed assets are cached for a year; any other GET that asks for HTML and is
// not an API path gets index.html, so the console's own routes (/history,
// /settings/api-keys...) survive a reload. Registered after every API route:
// an unknown API path still answers the JSON 404.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context, Next } from 'hono'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { readStatic } from './static-files'
import { setSecurityHeaders } from './security-headers'

/**
 * The package root: the nearest folder above this module with a package.json.
 * Found by walking up rather than by a fixed `../..`, because this module runs
 * both from src/http/routes/console/ (tsx) and bundled into dist/src/ (npm start).
 */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return from
  }
}

export const CONSOLE_DIST = path.join(packageRoot(), 'console/dist')

/** Paths that belong to the API and never fall back to the console. */
const API_PATH = /^\/(api|scim)(\/|$)|^\/(health|metrics|openapi\.json|docs)(\/|$|\.)/

export const isConsoleAsset = (p: string) => p === '/' || p.startsWith('/assets/') || p === '/favicon.svg'

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nexatron</title></head>
<body><main><h1>Nexatron</h1>
<p>The web console has not been built. Run <code>npm run build</code> (or <code>npm install</code>, which builds it) and reload.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p></main></body></html>
`

function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? ''
  return accept === '' || accept.includes('text/html') || accept.includes('*/*')
}

export function registerConsole(app: OpenAPIHono<AppEnv>, dist = CONSOLE_DIST) {
  const serve = async (c: Context<AppEnv>, next: Next) => {
    const p = c.req.path
    if (API_PATH.test(p)) return next()
    const asset = p !== '/' && !p.endsWith('/') ? await readStatic(dist, p) : null
    if (asset) {
      setSecurityHeaders(c)
      c.header('Content-Type', asset.type)
      c.header('Cache-Control', p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      return c.body(c.req.method === 'HEAD' ? null : asset.body as never, 200)
    }
    // A missing /assets/ file is a stale page asking for an old bundle: a plain 404, not the app.
    if (p.startsWith('/assets/') || !wantsHtml(c)) return next()
    const index = await readStatic(dist, 'index.html')
    setSecurityHeaders(c)
    c.header('Cache-Control', 'no-cache')
    if (!index) return c.html(NOT_BUILT, 503)
    c.header('Content-Type', index.type)
    return c.body(c.req.method === 'HEAD' ? null : index.body as never, 200)
  }
  app.get('*', serve)
}
