// Reads a file below a root folder, refusing any path that escapes it, with
// the content type its extension implies.
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticFile { body: Uint8Array; type: string }

/** The file at `rel` below `root`, or null when it is missing, a folder, or outside `root`. */
export async function readStatic(root: string, rel: string): Promise<StaticFile | null> {
  const full = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`)
  if (full !== root && !full.startsWith(root + path.sep)) return null
  const type = TYPES[path.extname(full).toLowerCase()]
  if (!type) return null
  try {
    if (!(await stat(full)).isFile()) return null
    return { body: await readFile(full), type }
  } catch {
    return null
  }
}
