// What a principal that is not an admin may write on a governed layer (one
// with access policies). Row filters wrap the governed models' tables and read
// their dimensions' expressions, so whoever writes SQL into the layer can read
// around them: a new model over the same table is not governed, a dimension's
// expression changed to a constant makes the row filter true for every row,
// and a subquery in a `where` filter reads the table itself. The guard cannot
// tell those reads from the compiler's own (both name the same tables).
// So on a governed layer:
// - changing the layer (models, dimensions, metrics, imports, sample values
//   read from every row) is for admins (`*`), as the policies are;
// - a `where` filter from anyone else may name nothing but the layer's members
//   through its templates: literals, operators, keywords and function calls
//   (which the guard screens), no subqueries and no bare or quoted names.
import { AppError } from '../errors'
import type { ConnectionService } from '../connections/connection-service'
import type { Principal } from '../identity/principal'
import type { AccessPolicyService } from './access-policy-service'

type Deps = { access: AccessPolicyService; connections: ConnectionService }

async function governed(deps: Deps, principal: Principal, connectionId: string | undefined): Promise<boolean> {
  if (principal.scopes.includes('*')) return false
  const conn = await deps.connections.resolve(principal.tenantId, connectionId)
  return (await deps.access.forConnection(conn)).policies.length > 0
}

/** 403 for a non-admin changing a layer that has access policies. */
export async function assertMayChangeGovernedLayer(deps: Deps, principal: Principal, connectionId: string | undefined): Promise<void> {
  if (!(await governed(deps, principal, connectionId))) return
  throw new AppError('forbidden', 'this semantic layer has access policies: only admins may change it (SQL in a model, dimension or metric can read rows the policies hide)',
    [{ path: 'connection_id', issue: 'governed_layer', scope: '*' }])
}

/** Words a where filter may use bare (keywords, types, date parts, the current date and time); anything else must be a function call. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'null', 'like', 'ilike', 'similar', 'escape', 'between', 'symmetric', 'true', 'false', 'unknown',
  'case', 'when', 'then', 'else', 'end', 'distinct', 'any', 'all', 'some', 'as', 'interval', 'collate',
  'date', 'time', 'timestamp', 'timestamptz', 'with', 'without', 'zone', 'int', 'integer', 'bigint', 'smallint', 'numeric', 'decimal',
  'real', 'double', 'precision', 'float', 'text', 'varchar', 'char', 'character', 'varying', 'string', 'boolean', 'bool',
  'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
  'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds',
])

/**
 * Why a `where` filter written by a governed principal could read around the
 * policies, or null when it names nothing but templates. Conservative: a
 * filter it refuses can be written with `filters` instead.
 */
export function governedWhereProblem(where: string): string | null {
  // Templates are the one way to name members; quoted strings are values.
  const templated = where.replace(/\{\{[\s\S]*?\}\}/g, ' 0 ')
  // A backslash makes engines disagree on where a string ends.
  if (templated.includes('\\')) return 'it contains a backslash (engines disagree on where its strings end)'
  const text = templated.replace(/'(?:[^']|'')*'/g, " '' ")
  if (/["`[\]$]/.test(text) || text.replace(/''/g, '').includes("'")) return 'it quotes a name or leaves a string open'
  if (/[;#]|--|\/\*/.test(text)) return 'it contains a comment or a statement end'
  for (const m of text.matchAll(/(?<![A-Za-z0-9_$])[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*/g)) {
    const word = m[0]
    if (word.includes('.')) return `it names "${word.slice(0, 60)}" directly; name members with {{ Dimension(...) }} and the like`
    const lower = word.toLowerCase()
    if (lower === 'select' || lower === 'table' || lower === 'from' || lower === 'values') return 'it contains a query'
    const before = text.slice(0, m.index).trimEnd()
    const after = text.slice(m.index! + word.length).trimStart()
    if (after.startsWith('(') || before.endsWith('::') || KEYWORDS.has(lower)) continue
    return `it names "${word.slice(0, 60)}" directly; name members with {{ Dimension(...) }} and the like`
  }
  return null
}

/** 403 for a non-admin's where filter that could read around the layer's access policies. */
export async function assertGovernedWhere(deps: Deps, principal: Principal, connectionId: string | undefined, where: readonly string[]): Promise<void> {
  if (!where.length || !(await governed(deps, principal, connectionId))) return
  where.forEach((w, i) => {
    const problem = governedWhereProblem(w)
    if (problem) {
      throw new AppError('access_denied', `where filter ${i + 1} is refused on a semantic layer with access policies: ${problem}`,
        [{ path: `where.${i}`, issue: 'access_policy' }])
    }
  })
}
