// Identifier folding and relation matching, per dialect.
//
// The allow list is compared after the dialect's own case folding and never
// more loosely than the engine resolves names: a looser comparison (say,
// case-insensitive on a case-sensitive server) would let `ORDERS` through
// when only `orders` is allowed, and those can be two different tables.
import type { DialectName } from '../../../semantic/types'
import { refuse, show } from './errors'
import type { NamePart } from './types'

/** The name the engine resolves a part to. */
export function foldPart(part: NamePart, dialect: DialectName): string {
  switch (dialect) {
    case 'postgres': return part.quoted ? part.value : part.value.toLowerCase()
    // Redshift folds quoted identifiers too (enable_case_sensitive_identifier is off by default).
    case 'redshift': return part.value.toLowerCase()
    case 'snowflake': return part.quoted ? part.value : part.value.toUpperCase()
    // MySQL on Linux, BigQuery, ClickHouse: case-sensitive table names. SQL
    // Server depends on the collation, so compare exactly (refusing a
    // harmless case difference is better than admitting a different table).
    default: return part.value
  }
}

const QUOTE_PAIRS: Record<string, string> = { '"': '"', '`': '`', '[': ']' }

/** Split an allow-list entry like `analytics."Orders"` or `` `proj.ds.t` `` into parts. */
export function parseDottedName(name: string, dialect: DialectName): NamePart[] {
  const parts: NamePart[] = []
  let i = 0
  const s = name.trim()
  while (i < s.length) {
    const open = s[i]
    const close = QUOTE_PAIRS[open]
    if (close) {
      let j = i + 1
      let value = ''
      for (;;) {
        if (j >= s.length) throw new Error(`allowed relation ${show(name)} has an unterminated quote`)
        if (s[j] === close) {
          if (s[j + 1] === close) { value += close; j += 2; continue }
          break
        }
        value += s[j++]
      }
      // BigQuery paths quote several parts at once: `proj.dataset.table`.
      if (dialect === 'bigquery' && value.includes('.')) parts.push(...value.split('.').map((v) => ({ value: v, quoted: true })))
      else parts.push({ value, quoted: true })
      i = j + 1
    } else {
      let j = i
      while (j < s.length && s[j] !== '.') j++
      parts.push({ value: s.slice(i, j).trim(), quoted: false })
      i = j
    }
    if (i < s.length) {
      if (s[i] !== '.') throw new Error(`allowed relation ${show(name)} is not a dotted name`)
      i++
      if (i >= s.length) throw new Error(`allowed relation ${show(name)} ends with a dot`)
    }
  }
  if (parts.length === 0 || parts.some((p) => p.value === '')) throw new Error(`allowed relation ${show(name)} has an empty part`)
  return parts
}

export function displayName(parts: NamePart[], dialect: DialectName): string {
  return parts.map((p) => foldPart(p, dialect)).join('.')
}

export class RelationMatcher {
  private readonly allowed: string[][]
  /** The allowed relations, expanded, as lookup keys: a layer may have thousands, and every reference is looked up. */
  private readonly allowedKeys: Set<string>
  /** Folded, when given: where the engine puts unqualified names. */
  readonly defaultSchema?: string

  constructor(allowedRelations: string[], private readonly dialect: DialectName, defaultSchema?: string) {
    this.allowed = allowedRelations.map((r) => parseDottedName(r, dialect).map((p) => foldPart(p, dialect)))
    if (defaultSchema !== undefined && defaultSchema !== '') {
      const parts = parseDottedName(defaultSchema, dialect)
      if (parts.length !== 1) throw new Error('defaultSchema must be a single name')
      this.defaultSchema = foldPart(parts[0], dialect)
    }
    this.allowedKeys = new Set(this.allowed.map((a) => nameKey(this.expand(a))))
  }

  /** Folded last parts of the allowed relations, lower-cased: CTE names must not reuse them. */
  allowedTableNames(): ReadonlySet<string> {
    this.tableNames ??= new Set(this.allowed.map((a) => a[a.length - 1].toLowerCase()))
    return this.tableNames
  }

  private tableNames?: Set<string>

  isAllowed(ref: NamePart[]): boolean {
    const folded = ref.map((p) => foldPart(p, this.dialect))
    return this.allowedKeys.has(nameKey(this.expand(folded)))
  }

  // With a known default schema, `orders` and `<default>.orders` are one relation.
  private expand(name: string[]): string[] {
    return this.defaultSchema !== undefined && name.length === 1 ? [this.defaultSchema, name[0]] : name
  }
}

/** Equal exactly when the names are (same parts, in order): JSON keeps parts with dots or quotes apart. */
function nameKey(parts: string[]): string {
  return JSON.stringify(parts)
}

/**
 * CTE scopes: a reference resolves to a CTE only where the engine would
 * resolve it so. Front ends open a scope per WITH clause and close it after
 * the query it belongs to; `resolve` never looks wider than that.
 */
export class CteScope {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly parent: CteScope | undefined,
  ) {}

  static root(): CteScope {
    return new CteScope(new Set(), undefined)
  }

  with(foldedNames: Iterable<string>): CteScope {
    return new CteScope(new Set(foldedNames), this)
  }

  has(folded: string): boolean {
    return this.names.has(folded) || (this.parent?.has(folded) ?? false)
  }
}

/** Refuse duplicate CTE names within one WITH clause (engines reject them; parsers may not). */
export function assertUniqueCtes(folded: string[]): void {
  const seen = new Set<string>()
  for (const n of folded) {
    if (seen.has(n)) refuse(`the CTE name ${show(n)} is defined twice`)
    seen.add(n)
  }
}
