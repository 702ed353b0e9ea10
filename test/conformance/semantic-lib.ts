// The semantic library as the conformance runner sees it. It is imported
// lazily so the harness (fixtures, rendering, --check-only) keeps working
// while the library is still being written; a missing export is reported
// as a harness error naming it.
import type { Dialect } from '../../semantic/dialects/dialect'
import type { CompiledQuery, DialectName, SemanticManifest, SemanticQuery } from '../../semantic/types'

/** One MetricFlow YAML file as handed to the importer. */
export interface MetricFlowFile {
  path: string
  content: string
}

export interface ImportProblem {
  file?: string
  path?: string
  line?: number
  message?: string
  /** Absent means an error: the importer reports only problems that matter. */
  severity?: string
}

export interface SemanticLib {
  importMetricFlow(
    files: MetricFlowFile[],
    opts: { source_schema: string; relation_map?: Record<string, string> },
  ): { manifest: SemanticManifest; problems: ImportProblem[] }
  compile(query: SemanticQuery, manifest: SemanticManifest, dialect: Dialect, opts?: Record<string, unknown>): CompiledQuery
  getDialect(name: DialectName): Dialect
}

export class HarnessError extends Error {
  override name = 'HarnessError'
}

/**
 * Loads semantic/index.ts. With `dialectsOnly`, only getDialect is required
 * (for --check-only runs before the compiler exists).
 */
export async function loadSemanticLib(opts: { dialectsOnly?: boolean } = {}): Promise<SemanticLib> {
  let mod: Record<string, unknown>
  try {
    mod = (await import('../../semantic/index')) as Record<string, unknown>
  } catch (err) {
    throw new HarnessError(`cannot load semantic/index.ts: ${(err as Error).message}`)
  }
  const required = opts.dialectsOnly ? ['getDialect'] : ['getDialect', 'importMetricFlow', 'compile']
  const missing = required.filter((k) => typeof mod[k] !== 'function')
  if (missing.length) throw new HarnessError(`semantic/index.ts does not export ${missing.join(', ')} (yet)`)
  const unavailable = (name: string) => () => { throw new HarnessError(`semantic/index.ts does not export ${name}`) }
  return {
    getDialect: mod.getDialect as SemanticLib['getDialect'],
    importMetricFlow: (mod.importMetricFlow as SemanticLib['importMetricFlow'] | undefined) ?? unavailable('importMetricFlow'),
    compile: (mod.compile as SemanticLib['compile'] | undefined) ?? unavailable('compile'),
  }
}
