// The one error the SQL guard throws. Its message and reasons are written for
// the person who asked the question: they name the construct that was refused
// (a statement kind, a function, a relation) but never echo the whole SQL and
// never contain parser stack traces or internals.

export class SqlGuardError extends Error {
  readonly code = 'sql_refused' as const
  constructor(readonly reasons: string[]) {
    super(reasons.length === 1 ? `SQL refused: ${reasons[0]}` : `SQL refused: ${reasons[0]} (and ${reasons.length - 1} more)`)
    this.name = 'SqlGuardError'
  }
}

/** Raised internally by the lexer and the dialect walkers; collected into a SqlGuardError. */
export class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'Refusal'
  }
}

export function refuse(reason: string): never {
  throw new Refusal(reason)
}

/** Quote a name taken from the SQL for a reason text, bounded so a huge identifier cannot bloat errors. */
export function show(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `"${clean.length > 64 ? `${clean.slice(0, 61)}...` : clean}"`
}
