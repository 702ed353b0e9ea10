// /docs: Swagger UI served from the pinned swagger-ui-dist package, so the API
// reference works air-gapped. The page loads our own init script (docs-init.js)
// instead of an inline one, so the console's strict CSP holds here too.
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { readStatic } from './static-files'
import { setSecurityHeaders } from './security-headers'

const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'])

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Nexatron API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <noscript><p>The API reference needs JavaScript. The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
  <main id="swagger-ui"></main>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/docs-init.js"></script>
</body>
</html>
`

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`

export function registerDocs(app: OpenAPIHono<AppEnv>) {
  app.get('/docs', (c) => { setSecurityHeaders(c); return c.html(PAGE) })
  app.get('/docs/', (c) => c.redirect('/docs', 301))
  app.get('/docs/docs-init.js', (c) => {
    setSecurityHeaders(c)
    c.header('Cache-Control', 'no-cache')
    return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
  })
  app.get('/docs/:file', async (c, next) => {
    const name = c.req.param('file')
    const file = ASSETS.has(name) ? await readStatic(SWAGGER_DIR, name) : null
    if (!file) return next()
    setSecurityHeaders(c)
    // The package is pinned: its files change only with an upgrade, which restarts the server.
    c.header('Cache-Control', 'public, max-age=86400')
    c.header('Content-Type', file.type)
    return c.body(file.body as never, 200)
  })
}
