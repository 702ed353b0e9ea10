import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, type DialectName } from '../../semantic/types'
import { configurableFunctions, guardSql, invalidAllowFunctions, SqlGuardError } from '../../src/security/sql-guard'
import { lex } from '../../src/security/sql-guard/lexer'
import { analyseParsed } from '../../src/security/sql-guard/node-sql-parser'
import { checkTokens } from '../../src/security/sql-guard/token-checks'
import { ATTACKS, CORPUS_RELATIONS, LEGIT } from './sql-guard-corpus'

function refusal(sql: string, dialect: DialectName, allowedRelations = CORPUS_RELATIONS[dialect], extra: Partial<Parameters<typeof guardSql>[1]> = {}): SqlGuardError {
  try {
    guardSql(sql, { dialect, allowedRelations, ...extra })
  } catch (e) {
    if (e instanceof SqlGuardError) return e
    throw e
  }
  throw new Error(`expected a refusal for: ${sql}`)
}

describe('attack corpus', () => {
  it('holds at least 80 attacks and 40 legitimate queries covering all seven dialects', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(80)
    expect(LEGIT.length).toBeGreaterThanOrEqual(40)
    for (const d of DIALECT_NAMES) {
      expect(ATTACKS.some((a) => a.dialect === d), `attacks for ${d}`).toBe(true)
      expect(LEGIT.some((l) => l.dialect === d), `legit queries for ${d}`).toBe(true)
    }
  })

  it.each(ATTACKS.map((a) => [`${a.dialect}: ${a.technique}`, a] as const))('refuses %s', (_title, attack) => {
    const err = refusal(attack.sql, attack.dialect)
    expect(err.code).toBe('sql_refused')
    expect(err.reasons.length).toBeGreaterThan(0)
    if (attack.reason) {
      expect(err.reasons.join(' | ').toLowerCase()).toContain(attack.reason.toLowerCase())
    }
  })

  it.each(LEGIT.map((l) => [`${l.dialect}: ${l.feature}`, l] as const))('accepts %s', (_title, legit) => {
    const result = guardSql(legit.sql, { dialect: legit.dialect, allowedRelations: CORPUS_RELATIONS[legit.dialect] })
    expect(result.relations.length).toBeGreaterThan(0)
  })
})

describe('guardSql result and error', () => {
  it('returns the folded relations a statement reads, sorted and without duplicates', () => {
    const r = guardSql('SELECT * FROM Orders o JOIN orders p ON o.id = p.id JOIN analytics.sessions s ON s.id = o.id', {
      dialect: 'postgres', allowedRelations: ['orders', 'analytics.sessions'],
    })
    expect(r.relations).toEqual(['analytics.sessions', 'orders'])
  })

  it('does not count CTE names as relations', () => {
    const r = guardSql('WITH t AS (SELECT id FROM orders) SELECT * FROM t', { dialect: 'postgres', allowedRelations: ['orders'] })
    expect(r.relations).toEqual(['orders'])
  })

  it('names every problem it finds and never echoes the whole statement', () => {
    const sql = "SELECT pg_read_file('/etc/passwd'), * FROM secret JOIN other ON true"
    const err = refusal(sql, 'postgres', ['orders'])
    expect(err.reasons).toHaveLength(3)
    expect(err.message).toMatch(/^SQL refused: /)
    expect(err.message).not.toContain(sql)
    expect(err.name).toBe('SqlGuardError')
  })

  it('refuses statements longer than maxLength', () => {
    const sql = `SELECT ${'1 + '.repeat(50)}1 FROM orders`
    expect(refusal(sql, 'postgres', ['orders'], { maxLength: 100 }).reasons[0]).toContain('longer than 100')
  })

  it('refuses empty and whitespace-only statements', () => {
    for (const d of DIALECT_NAMES) {
      expect(refusal('   \n ', d).reasons[0]).toContain('empty')
      expect(refusal(';', d).reasons[0]).toMatch(/empty|syntax/)
    }
  })

  it('throws a plain Error for an unknown dialect or a malformed allowed relation', () => {
    expect(() => guardSql('SELECT 1', { dialect: 'oracle' as DialectName, allowedRelations: [] })).toThrow(/unknown SQL dialect/)
    expect(() => guardSql('SELECT 1', { dialect: 'postgres', allowedRelations: ['a..b'] })).toThrow(/empty part/)
  })
})

describe('allowFunctions', () => {
  it('enables a configurable sleep function on connections that allow it', () => {
    expect(refusal('SELECT pg_sleep(1)', 'postgres').reasons[0]).toContain('pg_sleep')
    expect(guardSql('SELECT pg_sleep(1)', { dialect: 'postgres', allowedRelations: [], allowFunctions: ['pg_sleep'] }).relations).toEqual([])
    expect(guardSql('SELECT SLEEP(1)', { dialect: 'mysql', allowedRelations: [], allowFunctions: ['SLEEP'] }).relations).toEqual([])
  })

  it('keeps other sleep variants refused when only one is enabled', () => {
    expect(refusal("SELECT pg_sleep_for('1 s')", 'postgres', [], { allowFunctions: ['pg_sleep'] }).reasons[0]).toContain('pg_sleep_for')
  })

  it('rejects enabling a function that is denied for safety', () => {
    expect(() => guardSql('SELECT 1', { dialect: 'postgres', allowedRelations: [], allowFunctions: ['pg_read_file'] })).toThrow(/cannot be enabled/)
    expect(() => guardSql('SELECT 1', { dialect: 'clickhouse', allowedRelations: [], allowFunctions: ['url'] })).toThrow(/cannot be enabled/)
  })

  it('takes one list for every dialect, ignoring names a dialect does not know', () => {
    const allowFunctions = ['pg_sleep', 'sleep', 'benchmark']
    expect(guardSql('SELECT pg_sleep(1)', { dialect: 'postgres', allowedRelations: [], allowFunctions }).relations).toEqual([])
    expect(guardSql('SELECT BENCHMARK(10, 1)', { dialect: 'mysql', allowedRelations: [], allowFunctions }).relations).toEqual([])
    expect(guardSql('SELECT sleep(1)', { dialect: 'clickhouse', allowedRelations: [], allowFunctions }).relations).toEqual([])
    expect(refusal('SELECT sleepEachRow(1)', 'clickhouse', [], { allowFunctions }).reasons[0]).toContain('sleepEachRow')
  })

  it('reports unusable allowFunctions entries for configuration checks', () => {
    expect(invalidAllowFunctions(['pg_sleep', 'SLEEP'])).toEqual([])
    expect(invalidAllowFunctions(['pg_read_file', 'nosuchfn'])).toEqual([
      expect.stringContaining('pg_read_file is denied for safety on postgres, redshift'),
      expect.stringContaining('nosuchfn is not a function'),
    ])
    expect(configurableFunctions()).toContain('pg_sleep')
  })
})

describe('relation allow list', () => {
  it('matches unquoted names with the dialect case folding', () => {
    expect(guardSql('SELECT * FROM ORDERS', { dialect: 'postgres', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
    expect(guardSql('SELECT * FROM orders', { dialect: 'snowflake', allowedRelations: ['ORDERS'] }).relations).toEqual(['ORDERS'])
    expect(guardSql('SELECT * FROM "ORDERS"', { dialect: 'snowflake', allowedRelations: ['orders'] }).relations).toEqual(['ORDERS'])
    expect(refusal('SELECT * FROM "orders"', 'snowflake', ['orders']).reasons[0]).toContain('"orders"')
    expect(guardSql('SELECT * FROM "Orders"', { dialect: 'redshift', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
  })

  it('tells Snowflake quoted from unquoted names by position, not by spelling elsewhere in the statement', () => {
    expect(refusal('SELECT a FROM orders WHERE a IN (SELECT a FROM "orders")', 'snowflake', ['orders']).reasons[0]).toContain('"orders"')
    expect(guardSql('SELECT "ORDERS"."ID" AS "orders" FROM orders', { dialect: 'snowflake', allowedRelations: ['orders'] }).relations).toEqual(['ORDERS'])
    expect(refusal('WITH "x" AS (SELECT 1 AS a) SELECT a FROM x', 'snowflake', []).reasons[0]).toContain('"X"')
    expect(guardSql('WITH x AS (SELECT 1 AS a) SELECT a FROM "X"', { dialect: 'snowflake', allowedRelations: [] }).relations).toEqual([])
  })

  it('compares case-sensitively where the engine may be case-sensitive', () => {
    expect(refusal('SELECT * FROM ORDERS', 'mysql', ['orders']).reasons[0]).toContain('"ORDERS"')
    expect(refusal('SELECT * FROM Orders', 'clickhouse', ['orders']).reasons[0]).toContain('"Orders"')
    expect(refusal('SELECT * FROM [dbo].[Orders]', 'mssql', ['dbo.orders']).reasons[0]).toContain('dbo.Orders')
  })

  it('does not treat a qualified and an unqualified name as the same relation without a default schema', () => {
    expect(refusal('SELECT * FROM orders', 'postgres', ['analytics.orders']).reasons[0]).toContain('"orders"')
    expect(refusal('SELECT * FROM analytics.orders', 'postgres', ['orders']).reasons[0]).toContain('analytics.orders')
  })

  it('treats name and default-schema-qualified name alike when the default schema is given', () => {
    const opts = { dialect: 'postgres' as const, allowedRelations: ['analytics.orders'], defaultSchema: 'analytics' }
    expect(guardSql('SELECT * FROM orders', opts).relations).toEqual(['orders'])
    expect(guardSql('SELECT * FROM analytics.orders', { ...opts, allowedRelations: ['orders'] }).relations).toEqual(['analytics.orders'])
    expect(refusal('SELECT * FROM public.orders', 'postgres', ['orders'], { defaultSchema: 'analytics' }).reasons[0]).toContain('public.orders')
  })

  it('accepts quoted parts and BigQuery whole-path quoting in the allow list', () => {
    expect(guardSql('SELECT * FROM "Sales"."Orders"', { dialect: 'postgres', allowedRelations: ['"Sales"."Orders"'] }).relations).toEqual(['Sales.Orders'])
    expect(guardSql('SELECT * FROM `p.ds.t`', { dialect: 'bigquery', allowedRelations: ['`p.ds.t`'] }).relations).toEqual(['p.ds.t'])
    expect(guardSql('SELECT * FROM p.ds.t', { dialect: 'bigquery', allowedRelations: ['`p`.`ds`.`t`'] }).relations).toEqual(['p.ds.t'])
  })

  it('refuses a MySQL backtick name with a dot: it is one table name, not schema.table', () => {
    expect(refusal('SELECT * FROM `shop.products`', 'mysql', ['shop.products']).reasons[0]).toContain('not on')
  })
})

describe('CTE scoping', () => {
  const ok = (sql: string, dialect: DialectName = 'postgres', allowed = ['orders']) => guardSql(sql, { dialect, allowedRelations: allowed }).relations

  it('lets later CTEs read earlier ones, and not the reverse', () => {
    expect(ok('WITH a AS (SELECT id FROM orders), b AS (SELECT id FROM a) SELECT * FROM b')).toEqual(['orders'])
    expect(refusal('WITH a AS (SELECT id FROM b), b AS (SELECT id FROM orders) SELECT * FROM a', 'postgres', ['orders']).reasons[0]).toContain('"b"')
  })

  it('lets a recursive CTE read itself', () => {
    expect(ok('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r', 'postgres', [])).toEqual([])
    expect(ok('WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r', 'mysql', [])).toEqual([])
  })

  it('does not let a CTE defined inside a subquery cover a table of the same name outside it', () => {
    for (const d of ['postgres', 'mysql', 'snowflake', 'mssql', 'bigquery'] as const) {
      const err = refusal('SELECT * FROM (WITH secret AS (SELECT 1 AS a) SELECT a FROM secret) s CROSS JOIN secret', d, [])
      expect(err.reasons.join().toLowerCase()).toContain('"secret"')
    }
  })

  it('does not let the WITH of a parenthesized UNION branch cover the other branch', () => {
    expect(refusal('(WITH x AS (SELECT 1 AS a) SELECT a FROM x) UNION SELECT a FROM x', 'postgres', []).reasons[0]).toContain('"x"')
    expect(refusal('(WITH x AS (SELECT 1 AS a) SELECT a FROM x) UNION SELECT a FROM x', 'mysql', []).reasons[0]).toContain('"x"')
  })

  it('lets a head WITH cover every branch of its UNION', () => {
    expect(ok('WITH x AS (SELECT id FROM orders) SELECT id FROM x UNION ALL SELECT id FROM x')).toEqual(['orders'])
    expect(ok('WITH x AS (SELECT id FROM orders) SELECT id FROM x UNION ALL SELECT id FROM x', 'mysql')).toEqual(['orders'])
  })

  it('refuses a CTE named like an allowed relation, whatever its case', () => {
    expect(refusal('WITH ORDERS AS (SELECT 1 AS id) SELECT id FROM ORDERS', 'snowflake', ['orders']).reasons[0]).toContain('shadows')
    expect(refusal('WITH `orders` AS (SELECT 1 AS id) SELECT id FROM `orders`', 'mysql', ['shop.orders']).reasons[0]).toContain('shadows')
  })

  it('refuses a CTE name defined twice', () => {
    expect(refusal('WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a', 'mysql', []).reasons[0]).toMatch(/defined twice|syntax/)
  })
})

describe('each layer refuses on its own', () => {
  it('the token layer refuses stacked statements, non-SELECT starts and write keywords', () => {
    const tokens = (sql: string) => () => checkTokens(lex(sql, 'mysql'), 'mysql')
    expect(tokens('SELECT 1; SELECT 2')).toThrow(/more than one statement/)
    expect(tokens('SHOW TABLES')).toThrow(/only SELECT/)
    expect(tokens('SELECT * FROM t FOR UPDATE')).toThrow(/UPDATE/)
    expect(tokens('SELECT 1 SELECT 2')).toThrow(/second SELECT/)
    expect(tokens('SELECT REPLACE(a, 1, 2), TRUNCATE(b, 1) FROM t')).not.toThrow()
  })

  it('the parse-tree layer refuses INTO, locking and non-SELECT statements without the token layer', () => {
    expect(() => analyseParsed("SELECT a INTO OUTFILE '/tmp/x' FROM t", 'mysql')).toThrow(/INTO/)
    expect(() => analyseParsed('SELECT a INTO newt FROM t', 'mssql')).toThrow(/INTO/)
    expect(() => analyseParsed('SELECT a FROM t FOR UPDATE', 'mysql')).toThrow(/locking/)
    expect(() => analyseParsed('SELECT a FROM t LOCK IN SHARE MODE', 'mysql')).toThrow(/locking/)
    expect(() => analyseParsed('SELECT 1; DROP TABLE t', 'mysql')).toThrow(/more than one statement/)
    expect(() => analyseParsed('DELETE FROM t', 'mysql')).toThrow(/only SELECT/)
    expect(() => analyseParsed('UPDATE t SET a = 1', 'mssql')).toThrow(/only SELECT/)
  })
})

describe('lexing follows each engine', () => {
  it('treats MySQL `--` without a following space as two minus signs', () => {
    expect(guardSql('SELECT 1--1 AS x FROM orders', { dialect: 'mysql', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
    expect(guardSql('SELECT 1 -- 1 AS x FROM secret\nFROM orders', { dialect: 'mysql', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
  })

  it('reads a BigQuery triple-quoted string as one literal', () => {
    expect(guardSql("SELECT '''a ' ; DROP TABLE x; '''  AS s FROM shop.orders", { dialect: 'bigquery', allowedRelations: ['shop.orders'] }).relations).toEqual(['shop.orders'])
  })

  it('reads Snowflake $$ strings and // comments', () => {
    expect(guardSql("SELECT $$it's ; DROP$$ AS s FROM orders // trailing; DROP TABLE x", { dialect: 'snowflake', allowedRelations: ['orders'] }).relations).toEqual(['ORDERS'])
  })

  it('refuses a lone carriage return, which engines disagree about as a line end', () => {
    expect(refusal('SELECT 1 -- c\rFROM orders', 'mysql').reasons[0]).toContain('carriage return')
    expect(guardSql('SELECT 1 -- c\r\nFROM orders', { dialect: 'mysql', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
  })

  it('refuses bidirectional overrides even inside string literals', () => {
    expect(refusal("SELECT '\u202e' FROM orders", 'postgres').reasons[0]).toContain('U+202E')
  })

  it('accepts non-ASCII text inside strings and quoted identifiers', () => {
    expect(guardSql("SELECT 'Zürich' AS \"Stadt–Name\" FROM orders", { dialect: 'postgres', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
    expect(guardSql("SELECT 'Zürich' AS `Stadt` FROM orders", { dialect: 'mysql', allowedRelations: ['orders'] }).relations).toEqual(['orders'])
  })
})

describe('ClickHouse structural parser', () => {
  const ch = (sql: string, allowed = ['orders', 'customers']) => guardSql(sql, { dialect: 'clickhouse', allowedRelations: allowed }).relations

  it('records relations read through IN, joins and scalar WITH subqueries', () => {
    expect(refusal('SELECT 1 FROM orders WHERE id IN (secret)', 'clickhouse', ['orders']).reasons[0]).toContain('"secret"')
    expect(refusal('SELECT 1 FROM orders WHERE id GLOBAL NOT IN db.secret', 'clickhouse', ['orders']).reasons[0]).toContain('db.secret')
    expect(refusal('WITH (SELECT max(x) FROM secret) AS m SELECT m FROM orders', 'clickhouse', ['orders']).reasons[0]).toContain('"secret"')
    expect(refusal('SELECT * FROM orders ALL LEFT OUTER JOIN secret USING id', 'clickhouse', ['orders']).reasons[0]).toContain('"secret"')
    expect(refusal('SELECT in(id, secret) FROM orders', 'clickhouse', ['orders']).reasons[0]).toContain('"in"')
  })

  it('accepts CTEs only in the SELECT they belong to', () => {
    expect(ch('WITH x AS (SELECT id FROM orders) SELECT id FROM x')).toEqual(['orders'])
    expect(refusal('WITH x AS (SELECT id FROM orders) SELECT id FROM x UNION ALL SELECT id FROM x', 'clickhouse', ['orders']).reasons[0]).toContain('"x"')
  })

  it('accepts parametric aggregates, lambdas, casts, intervals and ternaries', () => {
    expect(ch("SELECT quantiles(0.1, 0.9)(amount), arrayFilter((x, y) -> x > y, [1, 2], [2, 1]), amount::Float64, toDate('2024-01-01') + INTERVAL 1 MONTH, amount > 1 ? 'a' : 'b', CAST(amount, 'String') FROM orders")).toEqual(['orders'])
  })

  it('refuses what it does not model', () => {
    expect(refusal('SELECT * FROM orders ARRAY JOIN tags', 'clickhouse', ['orders']).reasons[0]).toContain('ARRAY JOIN')
    expect(refusal('SELECT * FROM orders SAMPLE 0.1', 'clickhouse', ['orders']).reasons[0]).toContain('SAMPLE')
    expect(refusal('SELECT * FROM orders FORMAT JSON', 'clickhouse', ['orders']).reasons[0]).toContain('FORMAT')
    expect(refusal('SELECT * FROM numbers(10)', 'clickhouse', []).reasons[0]).toContain('table function')
    expect(refusal('SELECT d ORDER BY d WITH FILL FROM orders', 'clickhouse', ['orders']).reasons[0]).toMatch(/syntax|FILL/)
  })
})

describe('fails closed on arbitrary input', () => {
  const dialects = fc.constantFrom(...DIALECT_NAMES)

  it('answers any string with a result or a SqlGuardError, never another error', () => {
    let generated = 0
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), dialects, (s, d) => {
        generated++
        try {
          guardSql(s, { dialect: d, allowedRelations: ['orders'] })
        } catch (e) {
          expect(e).toBeInstanceOf(SqlGuardError)
        }
      }),
      { numRuns: 400 },
    )
    expect(generated).toBe(400)
  })

  it('refuses SQL-shaped noise for a stated reason, never by an internal failure', () => {
    const vocabulary = ['SELECT', 'FROM', 'WHERE', 'orders', 'secret', 'a', '1', "'x'", '"q"', '`b`', '[c]', '(', ')', ',', ';', '.', '*',
      '=', '--', '/*', '*/', '#', 'UNION', 'ALL', 'WITH', 'AS', 'JOIN', 'ON', 'IN', 'DROP', 'INTO', 'LIMIT', '?', '$1', '@p1', '\\', "'", '"', '\n']
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 30 }), dialects, (words, d) => {
        try {
          guardSql(words.join(' '), { dialect: d, allowedRelations: ['orders'] })
        } catch (e) {
          expect(e).toBeInstanceOf(SqlGuardError)
          expect((e as SqlGuardError).reasons).not.toContain('the statement could not be analysed')
        }
      }),
      { numRuns: 1500 },
    )
  })

  it('never accepts a legitimate query with a write statement appended', () => {
    const suffixes = ['; DROP TABLE orders', ';DELETE FROM orders', '\n;UPDATE orders SET a = 1', '; COMMIT; DELETE FROM orders', ' ; INSERT INTO orders VALUES (1)']
    fc.assert(
      fc.property(fc.constantFrom(...LEGIT), fc.constantFrom(...suffixes), (legit, suffix) => {
        const sql = legit.sql.replace(/;\s*$/, '') + suffix
        expect(() => guardSql(sql, { dialect: legit.dialect, allowedRelations: CORPUS_RELATIONS[legit.dialect] })).toThrow(SqlGuardError)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses absurdly deep subquery nesting instead of crashing', () => {
    const deep = `${'SELECT * FROM ('.repeat(1500)}SELECT 1 AS a${') AS s'.repeat(1500)}`
    for (const d of DIALECT_NAMES) {
      expect(() => guardSql(deep, { dialect: d, allowedRelations: ['orders'], maxLength: 100_000 })).toThrow(SqlGuardError)
    }
  })

  it('answers deep parentheses with a result or a SqlGuardError', () => {
    const deep = `SELECT ${'('.repeat(3000)}1${')'.repeat(3000)} FROM orders`
    for (const d of DIALECT_NAMES) {
      try {
        guardSql(deep, { dialect: d, allowedRelations: ['orders'] })
      } catch (e) {
        expect(e).toBeInstanceOf(SqlGuardError)
      }
    }
  })
})
