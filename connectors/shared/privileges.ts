// Building a login's privilege report, and reading `GRANT ... ON ... TO ...`
// lines as MySQL/MariaDB and ClickHouse print them in SHOW GRANTS.
import type { LoginPrivileges, PrivilegeFinding } from '../connector'

/** Findings beyond this many are summed up in one last finding. */
const MAX_FINDINGS = 40

/**
 * The report: `elevated` when anything elevates; otherwise `unknown` when
 * something could not be checked; otherwise `read_only`.
 */
export function privilegeReport(elevated: PrivilegeFinding[], unchecked: PrivilegeFinding[] = []): LoginPrivileges {
  const level = elevated.length > 0 ? 'elevated' : unchecked.length > 0 ? 'unknown' : 'read_only'
  let findings = [...elevated, ...unchecked]
  if (findings.length > MAX_FINDINGS) {
    const more = findings.length - (MAX_FINDINGS - 1)
    findings = [...findings.slice(0, MAX_FINDINGS - 1), { code: 'more', message: `and ${more} more findings` }]
  }
  return { level, findings }
}

/** A report for an engine whose grants this connector does not read. */
export function uncheckedPrivileges(message: string): LoginPrivileges {
  return { level: 'unknown', findings: [{ code: 'not_checked', message }] }
}

/** Names listed in a finding: the first `max`, then how many more. */
export function listNames(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`
}

/** Catalog answers come back as booleans, `t`/`f`, 0/1 or their text. */
export function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 't' || v === 'true' || v === '1' || v === 1n
}

export interface GrantLine {
  /** Privilege names, upper case with single spaces, column lists dropped (`SELECT (a)` -> `SELECT`). */
  privileges: string[]
  /** The object as printed (`*.*`, `` `shop`.* ``, `` PROCEDURE `shop`.`p` ``); null for a role grant. */
  on: string | null
  /** `GRANT role1, role2 TO user`: the roles (MySQL 8 prints them as `` `r`@`%` ``). */
  roles: Array<{ name: string; host?: string }>
  /** WITH GRANT OPTION / WITH ADMIN OPTION. */
  grantOption: boolean
}

type Token = { kind: 'word' | 'quoted' | 'punct' | 'group'; text: string; value: string }

/** Splits a grant line into words, quoted names/strings, parenthesized groups and punctuation. */
function tokenize(line: string): Token[] | null {
  const out: Token[] = []
  let i = 0
  while (i < line.length) {
    const ch = line[i]
    if (/\s/.test(ch)) { i++; continue }
    if (ch === '`' || ch === "'" || ch === '"') {
      let j = i + 1
      let value = ''
      for (;;) {
        if (j >= line.length) return null
        if (line[j] === '\\' && ch !== '`') { value += line[j + 1] ?? ''; j += 2; continue }
        if (line[j] === ch) {
          if (line[j + 1] === ch) { value += ch; j += 2; continue }
          break
        }
        value += line[j++]
      }
      out.push({ kind: 'quoted', text: line.slice(i, j + 1), value })
      i = j + 1
      continue
    }
    if (ch === '(') {
      let depth = 0
      let j = i
      let quote = ''
      for (; j < line.length; j++) {
        const c = line[j]
        if (quote) { if (c === quote) quote = ''; continue }
        if (c === '`' || c === "'" || c === '"') { quote = c; continue }
        if (c === '(') depth++
        else if (c === ')' && --depth === 0) break
      }
      if (j >= line.length) return null
      out.push({ kind: 'group', text: line.slice(i, j + 1), value: line.slice(i + 1, j) })
      i = j + 1
      continue
    }
    if (/[A-Za-z0-9_$]/.test(ch)) {
      let j = i
      while (j < line.length && /[A-Za-z0-9_$]/.test(line[j])) j++
      out.push({ kind: 'word', text: line.slice(i, j), value: line.slice(i, j) })
      i = j
      continue
    }
    out.push({ kind: 'punct', text: ch, value: ch })
    i++
  }
  return out
}

const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.value.toUpperCase() === w

/**
 * Reads one `GRANT` line. Returns null for lines that grant nothing we read
 * (`REVOKE ...`, `SET DEFAULT ROLE ...`, text that does not parse).
 * Whatever follows the grantee (`IDENTIFIED BY PASSWORD '...'`) is never kept.
 */
export function parseGrantLine(line: string): GrantLine | null {
  const tokens = tokenize(line.trim())
  if (!tokens || !isWord(tokens[0], 'GRANT')) return null
  const on = tokens.findIndex((t, i) => i > 0 && isWord(t, 'ON'))
  const to = tokens.findIndex((t, i) => i > 0 && isWord(t, 'TO') && (on < 0 || i > on))
  if (to < 0) return null
  const tail = tokens.slice(to + 1)
  const grantOption = tail.some((t, i) => isWord(t, 'WITH') && (isWord(tail[i + 1], 'GRANT') || isWord(tail[i + 1], 'ADMIN')) && isWord(tail[i + 2], 'OPTION'))
  const head = tokens.slice(1, on < 0 ? to : on)
  // Comma-separated items; each item is words (a privilege) or one quoted name (a role).
  const items: Token[][] = [[]]
  for (const t of head) {
    if (t.kind === 'punct' && t.value === ',') items.push([])
    else items[items.length - 1].push(t)
  }
  if (on < 0) {
    // A role grant: `GRANT `r1`, `r2` TO ...` (MySQL 8 prints roles as `r`@`%`).
    const roles: GrantLine['roles'] = []
    for (const it of items) {
      const names = it.filter((t) => t.kind === 'quoted' || t.kind === 'word')
      if (names.length === 0) continue
      const at = it.findIndex((t) => t.kind === 'punct' && t.value === '@')
      roles.push(at > 0 && names.length > 1 ? { name: names[0].value, host: names[1].value } : { name: names[0].value })
    }
    return { privileges: [], on: null, roles, grantOption }
  }
  const privileges = items
    .map((it) => it.filter((t) => t.kind === 'word').map((t) => t.value.toUpperCase()).join(' '))
    .filter((p) => p.length > 0)
  let object = ''
  tokens.slice(on + 1, to).forEach((t, i, all) => {
    object += (i > 0 && t.kind !== 'punct' && all[i - 1].kind !== 'punct' ? ' ' : '') + t.text
  })
  return { privileges, on: object, roles: [], grantOption }
}
