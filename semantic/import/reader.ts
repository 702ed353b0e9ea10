// Typed field access over plain YAML values that records a located problem for
// every wrong field instead of stopping at the first one.
import { childPath, type ImportProblem, type YamlDocument } from './yaml-source'

export type Obj = Record<string, unknown>

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Line of a YAML path, or of its nearest located ancestor. */
export function lineFor(lines: Map<string, number>, path: string): number | undefined {
  let p = path
  let line = lines.get(p)
  while (line === undefined && p !== '') {
    const parent = /[.[]/.test(p) ? p.replace(/(\.[^.[\]]+|\[\d+\])$/, '') : ''
    if (parent === p) break
    p = parent
    line = lines.get(p)
  }
  return line
}

export class Reader {
  constructor(private readonly doc: YamlDocument, private readonly problems: ImportProblem[]) {}

  get file(): string { return this.doc.file }

  get lines(): Map<string, number> { return this.doc.lines }

  problem(path: string, message: string): void {
    const line = lineFor(this.doc.lines, path)
    this.problems.push({ file: this.doc.file, path, message, ...(line !== undefined ? { line } : {}) })
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (isObj(v)) return v
    this.problem(path, `expected a mapping, found ${describe(v)}`)
    return undefined
  }

  /** A list; a single mapping is accepted as a list of one where `single` is set. */
  list(v: unknown, path: string, opts: { allowMissing?: boolean } = {}): unknown[] {
    if (v === undefined || v === null) {
      if (!opts.allowMissing) this.problem(path, 'expected a list')
      return []
    }
    if (Array.isArray(v)) return v
    this.problem(path, `expected a list, found ${describe(v)}`)
    return []
  }

  /** Required or optional string; numbers and booleans are accepted as their text where `coerce` is set. */
  str(o: Obj, key: string, path: string, opts: { required?: boolean; coerce?: boolean } = {}): string | undefined {
    const v = o[key]
    const p = childPath(path, key)
    if (v === undefined || v === null) {
      if (opts.required) this.problem(p, `"${key}" is required`)
      return undefined
    }
    if (typeof v === 'string') {
      if (opts.required && v.trim() === '') this.problem(p, `"${key}" must not be empty`)
      return v
    }
    if (opts.coerce && (typeof v === 'number' || typeof v === 'boolean')) return String(v)
    this.problem(p, `"${key}" must be a string, found ${describe(v)}`)
    return undefined
  }

  /** A name: a non-empty identifier made of letters, digits and underscores. */
  name(o: Obj, key: string, path: string): string | undefined {
    const s = this.str(o, key, path, { required: true })
    if (s === undefined || s.trim() === '') return undefined
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) {
      this.problem(childPath(path, key), `"${s}" is not a valid name (letters, digits and underscores, not starting with a digit)`)
      return undefined
    }
    if (s.includes('__')) {
      this.problem(childPath(path, key), `"${s}" must not contain "__", which separates entity links in query names`)
      return undefined
    }
    return s
  }

  bool(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'boolean') return v
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
    this.problem(childPath(path, key), `"${key}" must be true or false, found ${describe(v)}`)
    return undefined
  }

  num(o: Obj, key: string, path: string, check?: (n: number) => string | undefined): number | undefined {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
    if (!Number.isFinite(n)) {
      this.problem(childPath(path, key), `"${key}" must be a number, found ${describe(v)}`)
      return undefined
    }
    const err = check?.(n)
    if (err) {
      this.problem(childPath(path, key), err)
      return undefined
    }
    return n
  }

  /** Case-insensitive choice among `values` (MetricFlow accepts `SUM`, `SIMPLE`...). */
  oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[], opts: { required?: boolean } = {}): T | undefined {
    const s = this.str(o, key, path, { required: opts.required })
    if (s === undefined) return undefined
    const lower = s.toLowerCase() as T
    if (values.includes(lower)) return lower
    this.problem(childPath(path, key), `"${s}" is not one of: ${values.join(', ')}`)
    return undefined
  }

  /** A string or a list of strings. */
  strings(o: Obj, key: string, path: string): string[] | undefined {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return [v]
    if (Array.isArray(v)) {
      const out: string[] = []
      v.forEach((x, i) => {
        if (typeof x === 'string') out.push(x)
        else this.problem(childPath(childPath(path, key), i), `expected a string, found ${describe(x)}`)
      })
      return out
    }
    this.problem(childPath(path, key), `"${key}" must be a string or a list of strings, found ${describe(v)}`)
    return undefined
  }

  /** Reports keys not in `known` (typos such as `measure` vs `measures`). */
  unknownKeys(o: Obj, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.problem(childPath(path, k), `unknown field "${k}"`)
    }
  }
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 37) + '...' : v}"`
  return `${typeof v} ${String(v)}`
}
