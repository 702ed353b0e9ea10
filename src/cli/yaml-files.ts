// The YAML files `nexatron semantic import` uploads: the files named, and the
// .yml/.yaml files under the folders named, in a stable order. A folder is
// walked once however it is reached: a symbolic link back up the tree (a loop)
// used to recurse until the CLI crashed. Hidden folders (.git, .github, a
// virtualenv's .venv) hold no semantic layer, only YAML that is not one.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'

export function yamlFiles(inputs: string[]): Array<{ path: string; content: string }> {
  const out: Array<{ path: string; content: string }> = []
  const seen = new Set<string>()
  const walk = (p: string, named: boolean) => {
    const st = statSync(p)
    if (st.isDirectory()) {
      if (!named && path.basename(p).startsWith('.')) return
      const real = realpathSync(p)
      if (seen.has(real)) return
      seen.add(real)
      for (const f of readdirSync(p).sort()) walk(path.join(p, f), false)
    } else if (/\.ya?ml$/i.test(p)) out.push({ path: p, content: readFileSync(p, 'utf8') })
  }
  for (const i of inputs) walk(i, true)
  return out
}
