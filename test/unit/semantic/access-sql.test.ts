// Exact SQL of a principal's restricted view, per dialect: the filtered
// relation (row filter with bound attribute values, and the semi-join that
// carries it to the models pointing into it) and masked dimensions. A row
// that misses a dialect fails, so a new dialect must say what it writes.
import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, compile, getDialect, type DialectName, type SemanticQuery } from '../../../semantic'
import { maskedExpression, restrictManifest } from '../../../semantic/access'
import { shopManifest } from './shop-manifest'

interface Row {
  name: string
  query: SemanticQuery
  expected: Partial<Record<DialectName, { sql: string; params: unknown[] }>>
}

const view = () => restrictManifest(shopManifest(), [
  { name: 'regional', model: 'customers', row_filter: "{{ Dimension('customer__region') }} IN {{ Attribute('region') }}" },
  { name: 'status_hash', model: 'orders', mask: [{ dimension: 'status', method: 'hash' }] },
  { name: 'gift_partial', model: 'orders', mask: [{ dimension: 'is_gift', method: 'partial' }] },
], { role: 'analyst', attributes: { region: ['EU', "O'Hare"] } }).manifest

const ROWS: Row[] = [
  {
    name: 'filtered',
    query: { metrics: ['customers'], group_by: ['customer__region'] },
    expected: {
      postgres: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS "customers"
  , "region" AS "customer__region"
FROM (SELECT * FROM "shop"."customers" WHERE ("region" IN ($1, $2))) src_1
GROUP BY
  "region"`,
      },
      redshift: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS "customers"
  , "region" AS "customer__region"
FROM (SELECT * FROM "shop"."customers" WHERE ("region" IN ($1, $2))) src_1
GROUP BY
  "region"`,
      },
      mysql: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS \`customers\`
  , \`region\` AS \`customer__region\`
FROM (SELECT * FROM \`shop\`.\`customers\` WHERE (\`region\` IN (?, ?))) src_1
GROUP BY
  \`region\``,
      },
      bigquery: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS \`customers\`
  , \`region\` AS \`customer__region\`
FROM (SELECT * FROM \`shop\`.\`customers\` WHERE (\`region\` IN (?, ?))) src_1
GROUP BY
  \`region\``,
      },
      snowflake: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS "customers"
  , region AS "customer__region"
FROM (SELECT * FROM shop.customers WHERE (region IN (?, ?))) src_1
GROUP BY
  region`,
      },
      mssql: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS [customers]
  , [region] AS [customer__region]
FROM (SELECT * FROM [shop].[customers] WHERE ([region] IN (@p1, @p2))) src_1
GROUP BY
  [region]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  COUNT(DISTINCT customer_id) AS \`customers\`
  , \`region\` AS \`customer__region\`
FROM (SELECT * FROM \`shop\`.\`customers\` WHERE (\`region\` IN ('EU', 'O\\'Hare'))) src_1
GROUP BY
  \`region\``,
      },
    },
  },
  {
    name: 'masked',
    query: { metrics: ['orders'], group_by: ['order__status', 'order__is_gift'] },
    expected: {
      postgres: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS "orders"
  , ENCODE(SHA256(CONVERT_TO(CAST("status" AS TEXT), 'UTF8')), 'hex') AS "order__status"
  , CASE WHEN CAST("is_gift" AS TEXT) IS NULL THEN NULL WHEN POSITION('@' IN CAST("is_gift" AS TEXT)) > 1 THEN LEFT(CAST("is_gift" AS TEXT), 1) || '***' || SUBSTRING(CAST("is_gift" AS TEXT) FROM POSITION('@' IN CAST("is_gift" AS TEXT))) WHEN LENGTH(CAST("is_gift" AS TEXT)) > 4 THEN '***' || RIGHT(CAST("is_gift" AS TEXT), 4) ELSE '***' END AS "order__is_gift"
FROM (SELECT * FROM "shop"."orders" WHERE (customer_id IN (SELECT customer_id FROM "shop"."customers" WHERE ("region" IN ($1, $2))))) src_1
GROUP BY
  ENCODE(SHA256(CONVERT_TO(CAST("status" AS TEXT), 'UTF8')), 'hex')
  , CASE WHEN CAST("is_gift" AS TEXT) IS NULL THEN NULL WHEN POSITION('@' IN CAST("is_gift" AS TEXT)) > 1 THEN LEFT(CAST("is_gift" AS TEXT), 1) || '***' || SUBSTRING(CAST("is_gift" AS TEXT) FROM POSITION('@' IN CAST("is_gift" AS TEXT))) WHEN LENGTH(CAST("is_gift" AS TEXT)) > 4 THEN '***' || RIGHT(CAST("is_gift" AS TEXT), 4) ELSE '***' END`,
      },
      redshift: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS "orders"
  , SHA2(CAST("status" AS VARCHAR), 256) AS "order__status"
  , CASE WHEN CAST("is_gift" AS VARCHAR) IS NULL THEN NULL WHEN POSITION('@' IN CAST("is_gift" AS VARCHAR)) > 1 THEN LEFT(CAST("is_gift" AS VARCHAR), 1) || '***' || SUBSTRING(CAST("is_gift" AS VARCHAR), POSITION('@' IN CAST("is_gift" AS VARCHAR))) WHEN LENGTH(CAST("is_gift" AS VARCHAR)) > 4 THEN '***' || RIGHT(CAST("is_gift" AS VARCHAR), 4) ELSE '***' END AS "order__is_gift"
FROM (SELECT * FROM "shop"."orders" WHERE (customer_id IN (SELECT customer_id FROM "shop"."customers" WHERE ("region" IN ($1, $2))))) src_1
GROUP BY
  SHA2(CAST("status" AS VARCHAR), 256)
  , CASE WHEN CAST("is_gift" AS VARCHAR) IS NULL THEN NULL WHEN POSITION('@' IN CAST("is_gift" AS VARCHAR)) > 1 THEN LEFT(CAST("is_gift" AS VARCHAR), 1) || '***' || SUBSTRING(CAST("is_gift" AS VARCHAR), POSITION('@' IN CAST("is_gift" AS VARCHAR))) WHEN LENGTH(CAST("is_gift" AS VARCHAR)) > 4 THEN '***' || RIGHT(CAST("is_gift" AS VARCHAR), 4) ELSE '***' END`,
      },
      mysql: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS \`orders\`
  , SHA2(CAST(\`status\` AS CHAR), 256) AS \`order__status\`
  , CASE WHEN CAST(\`is_gift\` AS CHAR) IS NULL THEN NULL WHEN LOCATE('@', CAST(\`is_gift\` AS CHAR)) > 1 THEN CONCAT(LEFT(CAST(\`is_gift\` AS CHAR), 1), '***', SUBSTRING(CAST(\`is_gift\` AS CHAR), LOCATE('@', CAST(\`is_gift\` AS CHAR)))) WHEN CHAR_LENGTH(CAST(\`is_gift\` AS CHAR)) > 4 THEN CONCAT('***', RIGHT(CAST(\`is_gift\` AS CHAR), 4)) ELSE '***' END AS \`order__is_gift\`
FROM (SELECT * FROM \`shop\`.\`orders\` WHERE (customer_id IN (SELECT customer_id FROM \`shop\`.\`customers\` WHERE (\`region\` IN (?, ?))))) src_1
GROUP BY
  SHA2(CAST(\`status\` AS CHAR), 256)
  , CASE WHEN CAST(\`is_gift\` AS CHAR) IS NULL THEN NULL WHEN LOCATE('@', CAST(\`is_gift\` AS CHAR)) > 1 THEN CONCAT(LEFT(CAST(\`is_gift\` AS CHAR), 1), '***', SUBSTRING(CAST(\`is_gift\` AS CHAR), LOCATE('@', CAST(\`is_gift\` AS CHAR)))) WHEN CHAR_LENGTH(CAST(\`is_gift\` AS CHAR)) > 4 THEN CONCAT('***', RIGHT(CAST(\`is_gift\` AS CHAR), 4)) ELSE '***' END`,
      },
      bigquery: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS \`orders\`
  , TO_HEX(SHA256(CAST(\`status\` AS STRING))) AS \`order__status\`
  , CASE WHEN CAST(\`is_gift\` AS STRING) IS NULL THEN NULL WHEN STRPOS(CAST(\`is_gift\` AS STRING), '@') > 1 THEN CONCAT(LEFT(CAST(\`is_gift\` AS STRING), 1), '***', SUBSTR(CAST(\`is_gift\` AS STRING), STRPOS(CAST(\`is_gift\` AS STRING), '@'))) WHEN LENGTH(CAST(\`is_gift\` AS STRING)) > 4 THEN CONCAT('***', RIGHT(CAST(\`is_gift\` AS STRING), 4)) ELSE '***' END AS \`order__is_gift\`
FROM (SELECT * FROM \`shop\`.\`orders\` WHERE (customer_id IN (SELECT customer_id FROM \`shop\`.\`customers\` WHERE (\`region\` IN (?, ?))))) src_1
GROUP BY
  TO_HEX(SHA256(CAST(\`status\` AS STRING)))
  , CASE WHEN CAST(\`is_gift\` AS STRING) IS NULL THEN NULL WHEN STRPOS(CAST(\`is_gift\` AS STRING), '@') > 1 THEN CONCAT(LEFT(CAST(\`is_gift\` AS STRING), 1), '***', SUBSTR(CAST(\`is_gift\` AS STRING), STRPOS(CAST(\`is_gift\` AS STRING), '@'))) WHEN LENGTH(CAST(\`is_gift\` AS STRING)) > 4 THEN CONCAT('***', RIGHT(CAST(\`is_gift\` AS STRING), 4)) ELSE '***' END`,
      },
      snowflake: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS "orders"
  , SHA2(CAST(status AS VARCHAR), 256) AS "order__status"
  , CASE WHEN CAST(is_gift AS VARCHAR) IS NULL THEN NULL WHEN POSITION('@', CAST(is_gift AS VARCHAR)) > 1 THEN LEFT(CAST(is_gift AS VARCHAR), 1) || '***' || SUBSTR(CAST(is_gift AS VARCHAR), POSITION('@', CAST(is_gift AS VARCHAR))) WHEN LENGTH(CAST(is_gift AS VARCHAR)) > 4 THEN '***' || RIGHT(CAST(is_gift AS VARCHAR), 4) ELSE '***' END AS "order__is_gift"
FROM (SELECT * FROM shop.orders WHERE (customer_id IN (SELECT customer_id FROM shop.customers WHERE (region IN (?, ?))))) src_1
GROUP BY
  SHA2(CAST(status AS VARCHAR), 256)
  , CASE WHEN CAST(is_gift AS VARCHAR) IS NULL THEN NULL WHEN POSITION('@', CAST(is_gift AS VARCHAR)) > 1 THEN LEFT(CAST(is_gift AS VARCHAR), 1) || '***' || SUBSTR(CAST(is_gift AS VARCHAR), POSITION('@', CAST(is_gift AS VARCHAR))) WHEN LENGTH(CAST(is_gift AS VARCHAR)) > 4 THEN '***' || RIGHT(CAST(is_gift AS VARCHAR), 4) ELSE '***' END`,
      },
      mssql: {
        params: ["EU", "O'Hare"],
        sql: `
SELECT
  COUNT(order_id) AS [orders]
  , LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', CAST([status] AS NVARCHAR(4000))), 2)) AS [order__status]
  , CASE WHEN CAST([is_gift] AS NVARCHAR(4000)) IS NULL THEN NULL WHEN CHARINDEX('@', CAST([is_gift] AS NVARCHAR(4000))) > 1 THEN LEFT(CAST([is_gift] AS NVARCHAR(4000)), 1) + '***' + SUBSTRING(CAST([is_gift] AS NVARCHAR(4000)), CHARINDEX('@', CAST([is_gift] AS NVARCHAR(4000))), 4000) WHEN LEN(CAST([is_gift] AS NVARCHAR(4000))) > 4 THEN '***' + RIGHT(CAST([is_gift] AS NVARCHAR(4000)), 4) ELSE '***' END AS [order__is_gift]
FROM (SELECT * FROM [shop].[orders] WHERE (customer_id IN (SELECT customer_id FROM [shop].[customers] WHERE ([region] IN (@p1, @p2))))) src_1
GROUP BY
  LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', CAST([status] AS NVARCHAR(4000))), 2))
  , CASE WHEN CAST([is_gift] AS NVARCHAR(4000)) IS NULL THEN NULL WHEN CHARINDEX('@', CAST([is_gift] AS NVARCHAR(4000))) > 1 THEN LEFT(CAST([is_gift] AS NVARCHAR(4000)), 1) + '***' + SUBSTRING(CAST([is_gift] AS NVARCHAR(4000)), CHARINDEX('@', CAST([is_gift] AS NVARCHAR(4000))), 4000) WHEN LEN(CAST([is_gift] AS NVARCHAR(4000))) > 4 THEN '***' + RIGHT(CAST([is_gift] AS NVARCHAR(4000)), 4) ELSE '***' END`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  COUNT(order_id) AS \`orders\`
  , lower(hex(SHA256(toString(\`status\`)))) AS \`order__status\`
  , multiIf(position(toString(\`is_gift\`), '@') > 1, concat(substring(toString(\`is_gift\`), 1, 1), '***', substring(toString(\`is_gift\`), position(toString(\`is_gift\`), '@'), length(toString(\`is_gift\`)))), length(toString(\`is_gift\`)) > 4, concat('***', substring(toString(\`is_gift\`), length(toString(\`is_gift\`)) - 3, 4)), '***') AS \`order__is_gift\`
FROM (SELECT * FROM \`shop\`.\`orders\` WHERE (customer_id IN (SELECT customer_id FROM \`shop\`.\`customers\` WHERE (\`region\` IN ('EU', 'O\\'Hare'))))) src_1
GROUP BY
  lower(hex(SHA256(toString(\`status\`))))
  , multiIf(position(toString(\`is_gift\`), '@') > 1, concat(substring(toString(\`is_gift\`), 1, 1), '***', substring(toString(\`is_gift\`), position(toString(\`is_gift\`), '@'), length(toString(\`is_gift\`)))), length(toString(\`is_gift\`)) > 4, concat('***', substring(toString(\`is_gift\`), length(toString(\`is_gift\`)) - 3, 4)), '***')`,
      },
    },
  },
]

describe('access policies compile to the same SQL shape on every dialect', () => {
  for (const row of ROWS) {
    describe(row.name, () => {
      it('states its SQL for every dialect', () => {
        expect(DIALECT_NAMES.filter((d) => !(d in row.expected))).toEqual([])
      })
      for (const d of DIALECT_NAMES) {
        it(`reads the permitted rows and masked values on ${d}`, () => {
          const c = compile(row.query, view(), getDialect(d))
          expect({ sql: `\n${c.sql}`, params: c.params }).toEqual(row.expected[d])
        })
      }
    })
  }

  it('never writes an attribute value into the SQL text where the engine binds parameters', () => {
    for (const d of DIALECT_NAMES.filter((x) => getDialect(x).capabilities.bindParameters)) {
      const c = compile({ metrics: ['customers'], group_by: ['customer__region'] }, view(), getDialect(d))
      expect(c.sql).not.toContain('Hare')
      expect(c.params).toContain("O'Hare")
    }
  })
})

describe('the null mask per dialect', () => {
  const NULLS: Record<DialectName, string> = {
    postgres: 'CAST(NULL AS TEXT)', redshift: 'CAST(NULL AS VARCHAR)', mysql: 'CAST(NULL AS CHAR)', bigquery: 'CAST(NULL AS STRING)',
    snowflake: 'CAST(NULL AS VARCHAR)', mssql: 'CAST(NULL AS NVARCHAR(4000))', clickhouse: 'CAST(NULL AS Nullable(String))',
  }
  for (const d of DIALECT_NAMES) {
    it(`selects a typed NULL instead of the value on ${d}`, () => {
      expect(maskedExpression(getDialect(d), 'null', '"secret"')).toBe(NULLS[d])
    })
  }
})

describe('the keyed hash mask per dialect', () => {
  const KEY = 'ab'.repeat(32)
  const keyed = () => restrictManifest(shopManifest(), [{ name: 'status_hash', model: 'orders', mask: [{ dimension: 'status', method: 'hash' }] }],
    { role: 'analyst', attributes: {} }, { maskKey: KEY }).manifest
  const PREFIXED: Record<DialectName, string> = {
    postgres: `(CAST('${KEY}' AS TEXT) || `, redshift: `(CAST('${KEY}' AS VARCHAR) || `, mysql: `CONCAT('${KEY}', `, bigquery: `CONCAT('${KEY}', `,
    snowflake: `('${KEY}' || `, mssql: `(CAST(N'${KEY}' AS NVARCHAR(4000)) + `, clickhouse: `concat('${KEY}', `,
  }
  for (const d of DIALECT_NAMES) {
    it(`hashes the key followed by the value, the same expression where it is selected and grouped, on ${d}`, () => {
      const c = compile({ metrics: ['orders'], group_by: ['order__status'] }, keyed(), getDialect(d))
      const uses = c.sql.split(KEY).length - 1
      expect(uses).toBe(2) // selected and grouped by: one text, so the engine sees one expression
      const [select, groupBy] = c.sql.split(/\bGROUP BY\b/)
      expect(select).toContain(PREFIXED[d])
      // the one grouped expression is the selected one, character for character
      expect(groupBy.trim()).toContain(KEY)
      expect(select).toContain(groupBy.trim())
      expect(c.params).not.toContain(KEY)
    })
  }
})
