// Reads YAML files into plain values while remembering where each value came
// from, so every import problem can name its file, YAML path and line.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml'
import { MAX_YAML_DEPTH, yamlTooDeep } from './yaml-depth'

export interface ImportProblem {
  file: string
  /** YAML path inside the document, e.g. `semantic_models[0].measures[2].agg`. */
  path: string
  message: string
  /** 1-based line of the offending value when known. */
  line?: number
}

export interface YamlDocument {
  file: string
  /** 0-based index of the document inside a multi-document file. */
  index: number
  value: unknown
  lines: Map<string, number>
}

/** Joins a parent path and a key/index the way the problem paths are written. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  return parent === '' ? key : `${parent}.${key}`
}

function collectLines(node: Node | null | undefined, path: string, lc: LineCounter, out: Map<string, number>): void {
  if (!node) return
  if (node.range) out.set(path, lc.linePos(node.range[0]).line)
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key)
      const p = childPath(path, key)
      const keyNode = item.key as Node | null
      if (keyNode && keyNode.range) out.set(p, lc.linePos(keyNode.range[0]).line)
      collectLines(item.value as Node | null, p, lc, out)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectLines(item as Node, childPath(path, i), lc, out))
  }
}

/**
 * The first key of a mapping that repeats an earlier key of that
 * mapping, anywhere in the document. Keys are compared as the names the
 * importer reads (`1` and `'1'` are one key once read). One pass with a set
 * per mapping: the yaml library's own check (uniqueKeys) compares each key
 * with every key before it, and 60,000 keys cost minutes of the event loop.
 */
function duplicateKey(root: Node | null | undefined, lc: LineCounter): { line?: number } | null {
  const stack: unknown[] = [root]
  while (stack.length) {
    const node = stack.pop()
    if (isMap(node)) {
      const seen = new Set<string>()
      for (const item of node.items) {
        if (!isPair(item)) continue
        // Only scalar keys can repeat (the library's rule too): a collection as a key is itself.
        if (isScalar(item.key)) {
          const name = String(item.key.value)
          if (seen.has(name)) return item.key.range ? { line: lc.linePos(item.key.range[0]).line } : {}
          seen.add(name)
        }
        stack.push(item.key, item.value)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item)
    }
  }
  return null
}

/** Parses every document of every file; syntax errors become problems. */
export function readYamlFiles(files: Array<{ path: string; content: string }>, problems: ImportProblem[]): YamlDocument[] {
  const docs: YamlDocument[] = []
  for (const file of files) {
    // Refused before parsing: composing deep nesting is what costs (see yaml-depth.ts).
    const deep = yamlTooDeep(file.content)
    if (deep) {
      problems.push({ file: file.path, path: '', message: `YAML nests deeper than ${MAX_YAML_DEPTH} levels`, line: deep.line })
      continue
    }
    const lc = new LineCounter()
    let parsed
    try {
      // uniqueKeys: false: duplicates are found by duplicateKey, in linear time.
      parsed = parseAllDocuments(file.content, { lineCounter: lc, prettyErrors: false, uniqueKeys: false })
    } catch (err) {
      problems.push({ file: file.path, path: '', message: `cannot parse YAML: ${(err as Error).message}` })
      continue
    }
    // `parseAllDocuments` returns an EmptyStream for empty input.
    const list = Array.isArray(parsed) ? parsed : []
    list.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          problems.push({ file: file.path, path: '', message: `YAML syntax error: ${e.message.split('\n')[0]}`, line: e.linePos?.[0]?.line })
        }
        return
      }
      const duplicate = duplicateKey(doc.contents as Node | null, lc)
      if (duplicate) {
        problems.push({ file: file.path, path: '', message: 'YAML syntax error: Map keys must be unique', ...duplicate })
        return
      }
      let value: unknown
      try {
        value = doc.toJS({ maxAliasCount: 100 })
      } catch (err) {
        problems.push({ file: file.path, path: '', message: `cannot read YAML: ${(err as Error).message}` })
        return
      }
      if (value === null || value === undefined) return
      const lines = new Map<string, number>()
      collectLines(doc.contents as Node | null, '', lc, lines)
      docs.push({ file: file.path, index, value, lines })
    })
  }
  return docs
}
