// The import rules that keep the layers apart, checked on the import
// statements of every .ts file in src/, semantic/ and connectors/ (static,
// `export ... from`, `import type` and dynamic `import()`, read with
// TypeScript's own pre-processor, so comments and strings do not count):
//  - nothing outside src/http/ imports from it (the HTTP layer is the top);
//  - semantic/ is pure: it imports only semantic/ and its YAML parser;
//  - semantic/ has no import cycle (the compiler included: its two
//    recursions go through callbacks on CompileContext, not imports);
//  - the service reaches an engine only through connectors/registry.ts;
//  - connectors/ is a library: it imports nothing from src/, and only
//    semantic/types.ts from the semantic library;
//  - HTTP handlers run no query of their own: src/http/ imports neither
//    drizzle-orm nor the store's tables (services do that).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SCANNED = ['src', 'semantic', 'connectors']

/** Repository-relative path with forward slashes. */
const rel = (abs: string) => path.relative(ROOT, abs).split(path.sep).join('/')

function tsFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name)
    if (statSync(abs).isDirectory()) {
      if (name !== 'node_modules') out.push(...tsFiles(abs))
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(abs)
    }
  }
  return out
}

/** An import as written (`spec`) and, for a relative one, the repository file it names. */
interface Import { spec: string; target?: string }

function resolveRelative(fromAbs: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromAbs), spec)
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return rel(candidate)
    } catch { /* try the next */ }
  }
  return undefined
}

function importsOf(abs: string): Import[] {
  const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true)
  return info.importedFiles.map(({ fileName: spec }) => ({ spec, target: spec.startsWith('.') ? resolveRelative(abs, spec) : undefined }))
}

const GRAPH = new Map<string, Import[]>()
for (const top of SCANNED) for (const abs of tsFiles(path.join(ROOT, top))) GRAPH.set(rel(abs), importsOf(abs))

const under = (file: string, folder: string) => file.startsWith(`${folder}/`)
const edges = (pred: (from: string, imp: Import) => boolean) =>
  [...GRAPH].flatMap(([from, imports]) => imports.filter((imp) => pred(from, imp)).map((imp) => `${from} -> ${imp.target ?? imp.spec}`))

/**
 * The composition roots: they assemble the HTTP app (every route and
 * middleware) and start its server, so they sit above src/http/ by design.
 */
const HTTP_COMPOSITION_ROOTS = new Set(['src/app.ts', 'src/server.ts'])

/** Strongly connected components of more than one file (or a file importing itself): the import cycles. */
function cycles(files: Set<string>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const succ = (f: string) => (GRAPH.get(f) ?? []).map((i) => i.target).filter((t): t is string => !!t && files.has(t))
  const visit = (f: string) => {
    index.set(f, next)
    low.set(f, next++)
    stack.push(f)
    onStack.add(f)
    for (const t of succ(f)) {
      if (!index.has(t)) {
        visit(t)
        low.set(f, Math.min(low.get(f)!, low.get(t)!))
      } else if (onStack.has(t)) {
        low.set(f, Math.min(low.get(f)!, index.get(t)!))
      }
    }
    if (low.get(f) === index.get(f)) {
      const scc: string[] = []
      let x: string
      do {
        x = stack.pop()!
        onStack.delete(x)
        scc.push(x)
      } while (x !== f)
      if (scc.length > 1 || succ(f).includes(f)) found.push(scc.sort())
    }
  }
  for (const f of [...files].sort()) if (!index.has(f)) visit(f)
  return found
}

describe('import rules', () => {
  it('reads the imports of every file it checks (the scanner itself works)', () => {
    expect(GRAPH.size).toBeGreaterThan(100)
    expect(GRAPH.get('src/query/executor.ts')?.map((i) => i.target)).toContain('src/security/sql-guard/index.ts')
    // Dynamic imports count: the registry loads each engine's module on first use.
    expect(GRAPH.get('connectors/registry.ts')?.map((i) => i.target)).toContain('connectors/snowflake/connector.ts')
    // Every relative import names a file that exists.
    expect(edges((_, imp) => imp.spec.startsWith('.') && !imp.target)).toEqual([])
  })

  it('finds a cycle when there is one (the checker itself works)', () => {
    const a = 'semantic/__probe_a.ts'
    const b = 'semantic/__probe_b.ts'
    GRAPH.set(a, [{ spec: './__probe_b', target: b }])
    GRAPH.set(b, [{ spec: './__probe_a', target: a }])
    try {
      expect(cycles(new Set([a, b]))).toEqual([[a, b]])
    } finally {
      GRAPH.delete(a)
      GRAPH.delete(b)
    }
  })

  it('lets nothing outside src/http/ import from it, but the composition roots', () => {
    expect(edges((from, imp) => !under(from, 'src/http') && !HTTP_COMPOSITION_ROOTS.has(from) && !!imp.target && under(imp.target, 'src/http'))).toEqual([])
  })

  it('keeps semantic/ pure: it imports only semantic/ and the YAML parser, no node built-in, no service code', () => {
    const PACKAGES = new Set(['yaml'])
    expect(edges((from, imp) => under(from, 'semantic') && (imp.target ? !under(imp.target, 'semantic') : !PACKAGES.has(imp.spec)))).toEqual([])
  })

  it('has no import cycle in semantic/, the compiler included (type-only imports count too)', () => {
    const semantic = new Set([...GRAPH.keys()].filter((f) => under(f, 'semantic')))
    expect(cycles(semantic)).toEqual([])
  })

  it('reaches an engine only through the connector registry: the service imports no connectors/<engine>/ module', () => {
    // connectors/connector.ts is the contract (types, ConnectorError); connectors/shared/
    // holds helpers the service uses too (network lookups, host-name grammar).
    const allowed = (t: string) => t === 'connectors/registry.ts' || t === 'connectors/connector.ts' || under(t, 'connectors/shared')
    expect(edges((from, imp) => under(from, 'src') && !!imp.target && under(imp.target, 'connectors') && !allowed(imp.target))).toEqual([])
  })

  it('keeps queries out of the HTTP layer: src/http/ imports neither drizzle-orm nor the store\'s tables', () => {
    expect(edges((from, imp) => under(from, 'src/http') && (imp.spec === 'drizzle-orm' || imp.spec.startsWith('drizzle-orm/') || imp.target === 'src/store/schema.ts'))).toEqual([])
  })

  it('keeps connectors/ a library: it imports nothing from src/, and from semantic/ only its types', () => {
    expect(edges((from, imp) => under(from, 'connectors') && !!imp.target && under(imp.target, 'src'))).toEqual([])
    expect(edges((from, imp) => under(from, 'connectors') && !!imp.target && under(imp.target, 'semantic') && imp.target !== 'semantic/types.ts')).toEqual([])
  })
})
