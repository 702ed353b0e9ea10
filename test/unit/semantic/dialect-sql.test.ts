// Exact SQL per dialect for representative queries, side by side. A row that
// misses a dialect fails (see `expectEveryDialect`), so adding a dialect forces
// every row to say what it compiles to there. `error` rows pin the dialects
// that refuse a query (e.g. a percentile the engine cannot compute).
import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, SemanticError, compile, type DialectName, type SemanticQuery } from '../../../semantic'
import { shopManifest } from './shop-manifest'

type Expectation = { sql: string; params: unknown[] } | { error: string }

interface Row {
  name: string
  query: SemanticQuery
  expected: Partial<Record<DialectName, Expectation>>
}

/** Fails when a row does not state its SQL for every dialect. */
function expectEveryDialect(row: Row): asserts row is Row & { expected: Record<DialectName, Expectation> } {
  const missing = DIALECT_NAMES.filter((d) => !(d in row.expected))
  if (missing.length > 0) throw new Error(`row "${row.name}" has no expected SQL for: ${missing.join(', ')}`)
}

const ROWS: Row[] = [
  {
    name: "simple metric",
    query: {"metrics":["revenue"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
FROM "shop"."orders" src_1`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
FROM "shop"."orders" src_1`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
FROM \`shop\`.\`orders\` src_1`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
FROM \`shop\`.\`orders\` src_1`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
FROM shop.orders src_1`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS [revenue]
FROM [shop].[orders] src_1`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(amount)) AS \`revenue\`
FROM \`shop\`.\`orders\` src_1`,
      },
    },
  },
  {
    name: "metric by time grain",
    query: {"metrics":["revenue"],"group_by":["metric_time__month"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , DATE_TRUNC('month', "ordered_at") AS "metric_time__month"
FROM "shop"."orders" src_1
GROUP BY
  DATE_TRUNC('month', "ordered_at")`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , DATE_TRUNC('month', "ordered_at") AS "metric_time__month"
FROM "shop"."orders" src_1
GROUP BY
  DATE_TRUNC('month', "ordered_at")`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
  , CAST(DATE_FORMAT(\`ordered_at\`, '%Y-%m-01') AS DATETIME) AS \`metric_time__month\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  CAST(DATE_FORMAT(\`ordered_at\`, '%Y-%m-01') AS DATETIME)`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
  , DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), MONTH) AS \`metric_time__month\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), MONTH)`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , DATE_TRUNC('month', ordered_at) AS "metric_time__month"
FROM shop.orders src_1
GROUP BY
  DATE_TRUNC('month', ordered_at)`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS [revenue]
  , DATEADD(month, DATEDIFF(month, 0, [ordered_at]), 0) AS [metric_time__month]
FROM [shop].[orders] src_1
GROUP BY
  DATEADD(month, DATEDIFF(month, 0, [ordered_at]), 0)`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(amount)) AS \`revenue\`
  , toDateTime(toStartOfMonth(\`ordered_at\`)) AS \`metric_time__month\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  toDateTime(toStartOfMonth(\`ordered_at\`))`,
      },
    },
  },
  {
    name: "joined dimension",
    query: {"metrics":["revenue"],"group_by":["customer__region"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , customer_id AS "__k_customer"
  FROM "shop"."orders" src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    "region" AS "customer__region"
    , customer_id AS "__k"
  FROM "shop"."customers" src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
GROUP BY
  join_1."customer__region"`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , customer_id AS "__k_customer"
  FROM "shop"."orders" src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    "region" AS "customer__region"
    , customer_id AS "__k"
  FROM "shop"."customers" src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
GROUP BY
  join_1."customer__region"`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  SUM(src_3.\`revenue\`) AS \`revenue\`
  , join_1.\`customer__region\` AS \`customer__region\`
FROM (
  SELECT
    amount AS \`revenue\`
    , customer_id AS \`__k_customer\`
  FROM \`shop\`.\`orders\` src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    \`region\` AS \`customer__region\`
    , customer_id AS \`__k\`
  FROM \`shop\`.\`customers\` src_2
) join_1
ON
  src_3.\`__k_customer\` = join_1.\`__k\`
GROUP BY
  join_1.\`customer__region\``,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  SUM(src_3.\`revenue\`) AS \`revenue\`
  , join_1.\`customer__region\` AS \`customer__region\`
FROM (
  SELECT
    amount AS \`revenue\`
    , customer_id AS \`__k_customer\`
  FROM \`shop\`.\`orders\` src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    \`region\` AS \`customer__region\`
    , customer_id AS \`__k\`
  FROM \`shop\`.\`customers\` src_2
) join_1
ON
  src_3.\`__k_customer\` = join_1.\`__k\`
GROUP BY
  join_1.\`customer__region\``,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , customer_id AS "__k_customer"
  FROM shop.orders src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    region AS "customer__region"
    , customer_id AS "__k"
  FROM shop.customers src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
GROUP BY
  join_1."customer__region"`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  SUM(src_3.[revenue]) AS [revenue]
  , join_1.[customer__region] AS [customer__region]
FROM (
  SELECT
    amount AS [revenue]
    , customer_id AS [__k_customer]
  FROM [shop].[orders] src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    [region] AS [customer__region]
    , customer_id AS [__k]
  FROM [shop].[customers] src_2
) join_1
ON
  src_3.[__k_customer] = join_1.[__k]
GROUP BY
  join_1.[customer__region]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(nest_1.\`__src_3_revenue\`)) AS \`revenue\`
  , nest_1.\`__join_1_customer__region\` AS \`customer__region\`
FROM (
  SELECT
    src_3.\`revenue\` AS \`__src_3_revenue\`
    , join_1.\`customer__region\` AS \`__join_1_customer__region\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , customer_id AS \`__k_customer\`
    FROM \`shop\`.\`orders\` src_4
  ) src_3
  ALL LEFT OUTER JOIN (
    SELECT
      toNullable(\`region\`) AS \`customer__region\`
      , toNullable(customer_id) AS \`__k\`
    FROM \`shop\`.\`customers\` src_2
  ) join_1
  ON
    src_3.\`__k_customer\` = join_1.\`__k\`
) nest_1
GROUP BY
  nest_1.\`__join_1_customer__region\``,
      },
    },
  },
  {
    name: "metrics from two models",
    query: {"metrics":["revenue","visits"],"group_by":["metric_time__day"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  MAX(subq_3."revenue") AS "revenue"
  , MAX(subq_4."visits") AS "visits"
  , COALESCE(subq_3."metric_time__day", subq_4."metric_time__day") AS "metric_time__day"
FROM (
  SELECT
    DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('day', "ordered_at")
) subq_3
FULL OUTER JOIN (
  SELECT
    DATE_TRUNC('day', "visited_at") AS "metric_time__day"
    , COUNT(visit_id) AS "visits"
  FROM "shop"."visits" src_2
  GROUP BY
    DATE_TRUNC('day', "visited_at")
) subq_4
ON
  subq_3."metric_time__day" = subq_4."metric_time__day"
GROUP BY
  COALESCE(subq_3."metric_time__day", subq_4."metric_time__day")`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  MAX(subq_3."revenue") AS "revenue"
  , MAX(subq_4."visits") AS "visits"
  , COALESCE(subq_3."metric_time__day", subq_4."metric_time__day") AS "metric_time__day"
FROM (
  SELECT
    DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('day', "ordered_at")
) subq_3
FULL OUTER JOIN (
  SELECT
    DATE_TRUNC('day', "visited_at") AS "metric_time__day"
    , COUNT(visit_id) AS "visits"
  FROM "shop"."visits" src_2
  GROUP BY
    DATE_TRUNC('day', "visited_at")
) subq_4
ON
  subq_3."metric_time__day" = subq_4."metric_time__day"
GROUP BY
  COALESCE(subq_3."metric_time__day", subq_4."metric_time__day")`,
      },
      mysql: {
        params: [],
        sql: `
WITH metric_5 AS (
  SELECT
    CAST(DATE(\`ordered_at\`) AS DATETIME) AS \`metric_time__day\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    CAST(DATE(\`ordered_at\`) AS DATETIME)
)
, metric_6 AS (
  SELECT
    CAST(DATE(\`visited_at\`) AS DATETIME) AS \`metric_time__day\`
    , COUNT(visit_id) AS \`visits\`
  FROM \`shop\`.\`visits\` src_2
  GROUP BY
    CAST(DATE(\`visited_at\`) AS DATETIME)
)
SELECT
  subq_3.\`revenue\` AS \`revenue\`
  , subq_4.\`visits\` AS \`visits\`
  , keys_9.\`metric_time__day\` AS \`metric_time__day\`
FROM (
  SELECT
    subq_7.\`metric_time__day\` AS \`metric_time__day\`
  FROM metric_5 subq_7
  UNION
  SELECT
    subq_8.\`metric_time__day\` AS \`metric_time__day\`
  FROM metric_6 subq_8
) keys_9
LEFT OUTER JOIN metric_5 subq_3
ON
  keys_9.\`metric_time__day\` <=> subq_3.\`metric_time__day\`
LEFT OUTER JOIN metric_6 subq_4
ON
  keys_9.\`metric_time__day\` <=> subq_4.\`metric_time__day\``,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  MAX(subq_3.\`revenue\`) AS \`revenue\`
  , MAX(subq_4.\`visits\`) AS \`visits\`
  , COALESCE(subq_3.\`metric_time__day\`, subq_4.\`metric_time__day\`) AS \`metric_time__day\`
FROM (
  SELECT
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) AS \`metric_time__day\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY)
) subq_3
FULL OUTER JOIN (
  SELECT
    DATETIME_TRUNC(CAST(\`visited_at\` AS DATETIME), DAY) AS \`metric_time__day\`
    , COUNT(visit_id) AS \`visits\`
  FROM \`shop\`.\`visits\` src_2
  GROUP BY
    DATETIME_TRUNC(CAST(\`visited_at\` AS DATETIME), DAY)
) subq_4
ON
  subq_3.\`metric_time__day\` = subq_4.\`metric_time__day\`
GROUP BY
  COALESCE(subq_3.\`metric_time__day\`, subq_4.\`metric_time__day\`)`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  MAX(subq_3."revenue") AS "revenue"
  , MAX(subq_4."visits") AS "visits"
  , COALESCE(subq_3."metric_time__day", subq_4."metric_time__day") AS "metric_time__day"
FROM (
  SELECT
    DATE_TRUNC('day', ordered_at) AS "metric_time__day"
    , SUM(amount) AS "revenue"
  FROM shop.orders src_1
  GROUP BY
    DATE_TRUNC('day', ordered_at)
) subq_3
FULL OUTER JOIN (
  SELECT
    DATE_TRUNC('day', visited_at) AS "metric_time__day"
    , COUNT(visit_id) AS "visits"
  FROM shop.visits src_2
  GROUP BY
    DATE_TRUNC('day', visited_at)
) subq_4
ON
  subq_3."metric_time__day" = subq_4."metric_time__day"
GROUP BY
  COALESCE(subq_3."metric_time__day", subq_4."metric_time__day")`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  MAX(subq_3.[revenue]) AS [revenue]
  , MAX(subq_4.[visits]) AS [visits]
  , COALESCE(subq_3.[metric_time__day], subq_4.[metric_time__day]) AS [metric_time__day]
FROM (
  SELECT
    DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) AS [metric_time__day]
    , SUM(amount) AS [revenue]
  FROM [shop].[orders] src_1
  GROUP BY
    DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0)
) subq_3
FULL OUTER JOIN (
  SELECT
    DATEADD(day, DATEDIFF(day, 0, [visited_at]), 0) AS [metric_time__day]
    , COUNT(visit_id) AS [visits]
  FROM [shop].[visits] src_2
  GROUP BY
    DATEADD(day, DATEDIFF(day, 0, [visited_at]), 0)
) subq_4
ON
  subq_3.[metric_time__day] = subq_4.[metric_time__day]
GROUP BY
  COALESCE(subq_3.[metric_time__day], subq_4.[metric_time__day])`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  unshadow_1.\`revenue\` AS \`revenue\`
  , unshadow_1.\`visits\` AS \`visits\`
  , unshadow_1.\`__shadow_metric_time__day\` AS \`metric_time__day\`
FROM (
  SELECT
    subq_3.\`revenue\` AS \`revenue\`
    , subq_4.\`visits\` AS \`visits\`
    , COALESCE(subq_3.\`metric_time__day\`, subq_4.\`metric_time__day\`) AS \`__shadow_metric_time__day\`
  FROM (
    SELECT
      unshadow_2.\`__shadow_metric_time__day\` AS \`metric_time__day\`
      , unshadow_2.\`__shadow_revenue\` AS \`revenue\`
      , unshadow_2.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_5.\`metric_time__day\`))) AS \`__shadow_metric_time__day\`
        , toNullable(toNullable(toNullable(subq_5.\`revenue\`))) AS \`__shadow_revenue\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_5.\`metric_time__day\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          toDateTime(toDate(\`ordered_at\`)) AS \`metric_time__day\`
          , SUM(toNullable(amount)) AS \`revenue\`
        FROM \`shop\`.\`orders\` src_1
        GROUP BY
          toDateTime(toDate(\`ordered_at\`))
      ) subq_5
    ) unshadow_2
  ) subq_3
  ALL FULL OUTER JOIN (
    SELECT
      unshadow_3.\`__shadow_metric_time__day\` AS \`metric_time__day\`
      , unshadow_3.\`__shadow_visits\` AS \`visits\`
      , unshadow_3.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_6.\`metric_time__day\`))) AS \`__shadow_metric_time__day\`
        , toNullable(toNullable(toNullable(subq_6.\`visits\`))) AS \`__shadow_visits\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_6.\`metric_time__day\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          toDateTime(toDate(\`visited_at\`)) AS \`metric_time__day\`
          , COUNT(visit_id) AS \`visits\`
        FROM \`shop\`.\`visits\` src_2
        GROUP BY
          toDateTime(toDate(\`visited_at\`))
      ) subq_6
    ) unshadow_3
  ) subq_4
  USING (\`__key_0\`)
) unshadow_1`,
      },
    },
  },
  {
    name: "ratio",
    query: {"metrics":["revenue_per_order"],"group_by":["metric_time__week"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  CAST(subq_2."__numerator" AS DOUBLE PRECISION) / CAST(NULLIF(subq_2."__denominator", 0) AS DOUBLE PRECISION) AS "revenue_per_order"
  , subq_2."metric_time__week" AS "metric_time__week"
FROM (
  SELECT
    DATE_TRUNC('week', "ordered_at") AS "metric_time__week"
    , SUM(amount) AS "__numerator"
    , COUNT(order_id) AS "__denominator"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('week', "ordered_at")
) subq_2`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  CAST(subq_2."__numerator" AS DOUBLE PRECISION) / CAST(NULLIF(subq_2."__denominator", 0) AS DOUBLE PRECISION) AS "revenue_per_order"
  , subq_2."metric_time__week" AS "metric_time__week"
FROM (
  SELECT
    DATE_TRUNC('week', "ordered_at") AS "metric_time__week"
    , SUM(amount) AS "__numerator"
    , COUNT(order_id) AS "__denominator"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('week', "ordered_at")
) subq_2`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  CAST(subq_2.\`__numerator\` AS DOUBLE) / CAST(NULLIF(subq_2.\`__denominator\`, 0) AS DOUBLE) AS \`revenue_per_order\`
  , subq_2.\`metric_time__week\` AS \`metric_time__week\`
FROM (
  SELECT
    CAST(DATE(\`ordered_at\`) - INTERVAL WEEKDAY(\`ordered_at\`) DAY AS DATETIME) AS \`metric_time__week\`
    , SUM(amount) AS \`__numerator\`
    , COUNT(order_id) AS \`__denominator\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    CAST(DATE(\`ordered_at\`) - INTERVAL WEEKDAY(\`ordered_at\`) DAY AS DATETIME)
) subq_2`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  CAST(subq_2.\`__numerator\` AS FLOAT64) / CAST(NULLIF(subq_2.\`__denominator\`, 0) AS FLOAT64) AS \`revenue_per_order\`
  , subq_2.\`metric_time__week\` AS \`metric_time__week\`
FROM (
  SELECT
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), ISOWEEK) AS \`metric_time__week\`
    , SUM(amount) AS \`__numerator\`
    , COUNT(order_id) AS \`__denominator\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), ISOWEEK)
) subq_2`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  CAST(subq_2."__numerator" AS DOUBLE) / CAST(NULLIF(subq_2."__denominator", 0) AS DOUBLE) AS "revenue_per_order"
  , subq_2."metric_time__week" AS "metric_time__week"
FROM (
  SELECT
    DATE_TRUNC('week', ordered_at) AS "metric_time__week"
    , SUM(amount) AS "__numerator"
    , COUNT(order_id) AS "__denominator"
  FROM shop.orders src_1
  GROUP BY
    DATE_TRUNC('week', ordered_at)
) subq_2`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  CAST(subq_2.[__numerator] AS FLOAT) / CAST(NULLIF(subq_2.[__denominator], 0) AS FLOAT) AS [revenue_per_order]
  , subq_2.[metric_time__week] AS [metric_time__week]
FROM (
  SELECT
    DATEADD(day, -(DATEDIFF(day, 0, [ordered_at]) % 7), DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0)) AS [metric_time__week]
    , SUM(amount) AS [__numerator]
    , COUNT(order_id) AS [__denominator]
  FROM [shop].[orders] src_1
  GROUP BY
    DATEADD(day, -(DATEDIFF(day, 0, [ordered_at]) % 7), DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0))
) subq_2`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  CAST(subq_2.\`__numerator\` AS Nullable(Float64)) / CAST(NULLIF(subq_2.\`__denominator\`, 0) AS Nullable(Float64)) AS \`revenue_per_order\`
  , subq_2.\`metric_time__week\` AS \`metric_time__week\`
FROM (
  SELECT
    toDateTime(toMonday(\`ordered_at\`)) AS \`metric_time__week\`
    , SUM(toNullable(amount)) AS \`__numerator\`
    , COUNT(order_id) AS \`__denominator\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    toDateTime(toMonday(\`ordered_at\`))
) subq_2`,
      },
    },
  },
  {
    name: "derived with offset",
    query: {"metrics":["revenue_growth_wow"],"group_by":["metric_time__day"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  subq_8."__input_0" - subq_8."__input_1" AS "revenue_growth_wow"
  , subq_8."metric_time__day" AS "metric_time__day"
FROM (
  SELECT
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day") AS "metric_time__day"
    , MAX(subq_6."__input_0") AS "__input_0"
    , MAX(subq_7."__input_1") AS "__input_1"
  FROM (
    SELECT
      DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
      , SUM(amount) AS "__input_0"
    FROM "shop"."orders" src_1
    GROUP BY
      DATE_TRUNC('day', "ordered_at")
  ) subq_6
  FULL OUTER JOIN (
    SELECT
      DATE_TRUNC('day', spine_2."__t") AS "metric_time__day"
      , SUM(subq_5."revenue") AS "__input_1"
    FROM (
      SELECT
        spine_3."date_day" AS "__t"
      FROM "shop"."time_spine" spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('day', "ordered_at") AS "__t"
        , amount AS "revenue"
      FROM "shop"."orders" src_4
    ) subq_5
    ON
      subq_5."__t" = (spine_2."__t" + -1 * INTERVAL '1 week')
    GROUP BY
      DATE_TRUNC('day', spine_2."__t")
  ) subq_7
  ON
    subq_6."metric_time__day" = subq_7."metric_time__day"
  GROUP BY
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day")
) subq_8`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  subq_8."__input_0" - subq_8."__input_1" AS "revenue_growth_wow"
  , subq_8."metric_time__day" AS "metric_time__day"
FROM (
  SELECT
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day") AS "metric_time__day"
    , MAX(subq_6."__input_0") AS "__input_0"
    , MAX(subq_7."__input_1") AS "__input_1"
  FROM (
    SELECT
      DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
      , SUM(amount) AS "__input_0"
    FROM "shop"."orders" src_1
    GROUP BY
      DATE_TRUNC('day', "ordered_at")
  ) subq_6
  FULL OUTER JOIN (
    SELECT
      DATE_TRUNC('day', spine_2."__t") AS "metric_time__day"
      , SUM(subq_5."revenue") AS "__input_1"
    FROM (
      SELECT
        spine_3."date_day" AS "__t"
      FROM "shop"."time_spine" spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('day', "ordered_at") AS "__t"
        , amount AS "revenue"
      FROM "shop"."orders" src_4
    ) subq_5
    ON
      subq_5."__t" = DATEADD(week, -1, spine_2."__t")
    GROUP BY
      DATE_TRUNC('day', spine_2."__t")
  ) subq_7
  ON
    subq_6."metric_time__day" = subq_7."metric_time__day"
  GROUP BY
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day")
) subq_8`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  subq_13.\`__input_0\` - subq_13.\`__input_1\` AS \`revenue_growth_wow\`
  , subq_13.\`metric_time__day\` AS \`metric_time__day\`
FROM (
  WITH metric_8 AS (
    SELECT
      CAST(DATE(\`ordered_at\`) AS DATETIME) AS \`metric_time__day\`
      , SUM(amount) AS \`__input_0\`
    FROM \`shop\`.\`orders\` src_1
    GROUP BY
      CAST(DATE(\`ordered_at\`) AS DATETIME)
  )
  , metric_9 AS (
    SELECT
      CAST(DATE(spine_2.\`__t\`) AS DATETIME) AS \`metric_time__day\`
      , SUM(subq_5.\`revenue\`) AS \`__input_1\`
    FROM (
      SELECT
        spine_3.\`date_day\` AS \`__t\`
      FROM \`shop\`.\`time_spine\` spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        CAST(DATE(\`ordered_at\`) AS DATETIME) AS \`__t\`
        , amount AS \`revenue\`
      FROM \`shop\`.\`orders\` src_4
    ) subq_5
    ON
      subq_5.\`__t\` = DATE_ADD(spine_2.\`__t\`, INTERVAL -1 WEEK)
    GROUP BY
      CAST(DATE(spine_2.\`__t\`) AS DATETIME)
  )
  SELECT
    keys_12.\`metric_time__day\` AS \`metric_time__day\`
    , subq_6.\`__input_0\` AS \`__input_0\`
    , subq_7.\`__input_1\` AS \`__input_1\`
  FROM (
    SELECT
      subq_10.\`metric_time__day\` AS \`metric_time__day\`
    FROM metric_8 subq_10
    UNION
    SELECT
      subq_11.\`metric_time__day\` AS \`metric_time__day\`
    FROM metric_9 subq_11
  ) keys_12
  LEFT OUTER JOIN metric_8 subq_6
  ON
    keys_12.\`metric_time__day\` <=> subq_6.\`metric_time__day\`
  LEFT OUTER JOIN metric_9 subq_7
  ON
    keys_12.\`metric_time__day\` <=> subq_7.\`metric_time__day\`
) subq_13`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  subq_8.\`__input_0\` - subq_8.\`__input_1\` AS \`revenue_growth_wow\`
  , subq_8.\`metric_time__day\` AS \`metric_time__day\`
FROM (
  SELECT
    COALESCE(subq_6.\`metric_time__day\`, subq_7.\`metric_time__day\`) AS \`metric_time__day\`
    , MAX(subq_6.\`__input_0\`) AS \`__input_0\`
    , MAX(subq_7.\`__input_1\`) AS \`__input_1\`
  FROM (
    SELECT
      DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) AS \`metric_time__day\`
      , SUM(amount) AS \`__input_0\`
    FROM \`shop\`.\`orders\` src_1
    GROUP BY
      DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY)
  ) subq_6
  FULL OUTER JOIN (
    SELECT
      DATETIME_TRUNC(CAST(spine_2.\`__t\` AS DATETIME), DAY) AS \`metric_time__day\`
      , SUM(subq_5.\`revenue\`) AS \`__input_1\`
    FROM (
      SELECT
        spine_3.\`date_day\` AS \`__t\`
      FROM \`shop\`.\`time_spine\` spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) AS \`__t\`
        , amount AS \`revenue\`
      FROM \`shop\`.\`orders\` src_4
    ) subq_5
    ON
      subq_5.\`__t\` = DATETIME_ADD(CAST(spine_2.\`__t\` AS DATETIME), INTERVAL -1 WEEK)
    GROUP BY
      DATETIME_TRUNC(CAST(spine_2.\`__t\` AS DATETIME), DAY)
  ) subq_7
  ON
    subq_6.\`metric_time__day\` = subq_7.\`metric_time__day\`
  GROUP BY
    COALESCE(subq_6.\`metric_time__day\`, subq_7.\`metric_time__day\`)
) subq_8`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  subq_8."__input_0" - subq_8."__input_1" AS "revenue_growth_wow"
  , subq_8."metric_time__day" AS "metric_time__day"
FROM (
  SELECT
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day") AS "metric_time__day"
    , MAX(subq_6."__input_0") AS "__input_0"
    , MAX(subq_7."__input_1") AS "__input_1"
  FROM (
    SELECT
      DATE_TRUNC('day', ordered_at) AS "metric_time__day"
      , SUM(amount) AS "__input_0"
    FROM shop.orders src_1
    GROUP BY
      DATE_TRUNC('day', ordered_at)
  ) subq_6
  FULL OUTER JOIN (
    SELECT
      DATE_TRUNC('day', spine_2."__t") AS "metric_time__day"
      , SUM(subq_5."revenue") AS "__input_1"
    FROM (
      SELECT
        spine_3.date_day AS "__t"
      FROM shop.time_spine spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('day', ordered_at) AS "__t"
        , amount AS "revenue"
      FROM shop.orders src_4
    ) subq_5
    ON
      subq_5."__t" = DATEADD(week, -1, spine_2."__t")
    GROUP BY
      DATE_TRUNC('day', spine_2."__t")
  ) subq_7
  ON
    subq_6."metric_time__day" = subq_7."metric_time__day"
  GROUP BY
    COALESCE(subq_6."metric_time__day", subq_7."metric_time__day")
) subq_8`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  subq_8.[__input_0] - subq_8.[__input_1] AS [revenue_growth_wow]
  , subq_8.[metric_time__day] AS [metric_time__day]
FROM (
  SELECT
    COALESCE(subq_6.[metric_time__day], subq_7.[metric_time__day]) AS [metric_time__day]
    , MAX(subq_6.[__input_0]) AS [__input_0]
    , MAX(subq_7.[__input_1]) AS [__input_1]
  FROM (
    SELECT
      DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) AS [metric_time__day]
      , SUM(amount) AS [__input_0]
    FROM [shop].[orders] src_1
    GROUP BY
      DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0)
  ) subq_6
  FULL OUTER JOIN (
    SELECT
      DATEADD(day, DATEDIFF(day, 0, spine_2.[__t]), 0) AS [metric_time__day]
      , SUM(subq_5.[revenue]) AS [__input_1]
    FROM (
      SELECT
        spine_3.[date_day] AS [__t]
      FROM [shop].[time_spine] spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) AS [__t]
        , amount AS [revenue]
      FROM [shop].[orders] src_4
    ) subq_5
    ON
      subq_5.[__t] = DATEADD(week, -1, spine_2.[__t])
    GROUP BY
      DATEADD(day, DATEDIFF(day, 0, spine_2.[__t]), 0)
  ) subq_7
  ON
    subq_6.[metric_time__day] = subq_7.[metric_time__day]
  GROUP BY
    COALESCE(subq_6.[metric_time__day], subq_7.[metric_time__day])
) subq_8`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  subq_10.\`__input_0\` - subq_10.\`__input_1\` AS \`revenue_growth_wow\`
  , subq_10.\`metric_time__day\` AS \`metric_time__day\`
FROM (
  SELECT
    unshadow_1.\`__shadow_metric_time__day\` AS \`metric_time__day\`
    , unshadow_1.\`__input_0\` AS \`__input_0\`
    , unshadow_1.\`__input_1\` AS \`__input_1\`
  FROM (
    SELECT
      COALESCE(subq_6.\`metric_time__day\`, subq_7.\`metric_time__day\`) AS \`__shadow_metric_time__day\`
      , subq_6.\`__input_0\` AS \`__input_0\`
      , subq_7.\`__input_1\` AS \`__input_1\`
    FROM (
      SELECT
        unshadow_2.\`__shadow_metric_time__day\` AS \`metric_time__day\`
        , unshadow_2.\`__shadow___input_0\` AS \`__input_0\`
        , unshadow_2.\`__key_0\` AS \`__key_0\`
      FROM (
        SELECT
          toNullable(toNullable(toNullable(subq_8.\`metric_time__day\`))) AS \`__shadow_metric_time__day\`
          , toNullable(toNullable(toNullable(subq_8.\`__input_0\`))) AS \`__shadow___input_0\`
          , toNullable(toNullable(ifNull(concat('v', toString(subq_8.\`metric_time__day\`)), 'n'))) AS \`__key_0\`
        FROM (
          SELECT
            toDateTime(toDate(\`ordered_at\`)) AS \`metric_time__day\`
            , SUM(toNullable(amount)) AS \`__input_0\`
          FROM \`shop\`.\`orders\` src_1
          GROUP BY
            toDateTime(toDate(\`ordered_at\`))
        ) subq_8
      ) unshadow_2
    ) subq_6
    ALL FULL OUTER JOIN (
      SELECT
        unshadow_3.\`__shadow_metric_time__day\` AS \`metric_time__day\`
        , unshadow_3.\`__shadow___input_1\` AS \`__input_1\`
        , unshadow_3.\`__key_0\` AS \`__key_0\`
      FROM (
        SELECT
          toNullable(toNullable(toNullable(subq_9.\`metric_time__day\`))) AS \`__shadow_metric_time__day\`
          , toNullable(toNullable(toNullable(subq_9.\`__input_1\`))) AS \`__shadow___input_1\`
          , toNullable(toNullable(ifNull(concat('v', toString(subq_9.\`metric_time__day\`)), 'n'))) AS \`__key_0\`
        FROM (
          SELECT
            toDateTime(toDate(nest_4.\`__spine_2___t\`)) AS \`metric_time__day\`
            , SUM(toNullable(nest_4.\`__subq_5_revenue\`)) AS \`__input_1\`
          FROM (
            SELECT
              spine_2.\`__t\` AS \`__spine_2___t\`
              , subq_5.\`revenue\` AS \`__subq_5_revenue\`
            FROM (
              SELECT
                spine_3.\`date_day\` AS \`__t\`
              FROM \`shop\`.\`time_spine\` spine_3
            ) spine_2
            ALL INNER JOIN (
              SELECT
                toDateTime(toDate(\`ordered_at\`)) AS \`__t\`
                , amount AS \`revenue\`
              FROM \`shop\`.\`orders\` src_4
            ) subq_5
            ON
              subq_5.\`__t\` = addWeeks(toDateTime(spine_2.\`__t\`), -1)
          ) nest_4
          GROUP BY
            toDateTime(toDate(nest_4.\`__spine_2___t\`))
        ) subq_9
      ) unshadow_3
    ) subq_7
    USING (\`__key_0\`)
  ) unshadow_1
) subq_10`,
      },
    },
  },
  {
    name: "cumulative window with time constraint",
    query: {"metrics":["revenue_7d"],"group_by":["metric_time__day"],"time_constraint":{"start":"2024-01-01","end":"2024-01-31"}},
    expected: {
      postgres: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2."revenue") AS "revenue_7d"
  , DATE_TRUNC('day', spine_4."__t") AS "metric_time__day"
FROM (
  SELECT
    spine_3."date_day" AS "__t"
  FROM "shop"."time_spine" spine_3
) spine_4
INNER JOIN (
  SELECT
    DATE_TRUNC('day', "ordered_at") AS "__t"
    , amount AS "revenue"
  FROM "shop"."orders" src_1
  WHERE (DATE_TRUNC('day', "ordered_at") >= CAST($1 AS TIMESTAMP)) AND (DATE_TRUNC('day', "ordered_at") < CAST($2 AS TIMESTAMP))
) subq_2
ON
  (subq_2."__t" <= spine_4."__t")
  AND (subq_2."__t" > (spine_4."__t" + -7 * INTERVAL '1 day'))
WHERE (spine_4."__t" >= CAST($3 AS TIMESTAMP)) AND (spine_4."__t" < CAST($4 AS TIMESTAMP))
GROUP BY
  DATE_TRUNC('day', spine_4."__t")`,
      },
      redshift: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2."revenue") AS "revenue_7d"
  , DATE_TRUNC('day', spine_4."__t") AS "metric_time__day"
FROM (
  SELECT
    spine_3."date_day" AS "__t"
  FROM "shop"."time_spine" spine_3
) spine_4
INNER JOIN (
  SELECT
    DATE_TRUNC('day', "ordered_at") AS "__t"
    , amount AS "revenue"
  FROM "shop"."orders" src_1
  WHERE (DATE_TRUNC('day', "ordered_at") >= CAST($1 AS TIMESTAMP)) AND (DATE_TRUNC('day', "ordered_at") < CAST($2 AS TIMESTAMP))
) subq_2
ON
  (subq_2."__t" <= spine_4."__t")
  AND (subq_2."__t" > DATEADD(day, -7, spine_4."__t"))
WHERE (spine_4."__t" >= CAST($3 AS TIMESTAMP)) AND (spine_4."__t" < CAST($4 AS TIMESTAMP))
GROUP BY
  DATE_TRUNC('day', spine_4."__t")`,
      },
      mysql: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2.\`revenue\`) AS \`revenue_7d\`
  , CAST(DATE(spine_4.\`__t\`) AS DATETIME) AS \`metric_time__day\`
FROM (
  SELECT
    spine_3.\`date_day\` AS \`__t\`
  FROM \`shop\`.\`time_spine\` spine_3
) spine_4
INNER JOIN (
  SELECT
    CAST(DATE(\`ordered_at\`) AS DATETIME) AS \`__t\`
    , amount AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  WHERE (CAST(DATE(\`ordered_at\`) AS DATETIME) >= CAST(? AS DATETIME(6))) AND (CAST(DATE(\`ordered_at\`) AS DATETIME) < CAST(? AS DATETIME(6)))
) subq_2
ON
  (subq_2.\`__t\` <= spine_4.\`__t\`)
  AND (subq_2.\`__t\` > DATE_ADD(spine_4.\`__t\`, INTERVAL -7 DAY))
WHERE (spine_4.\`__t\` >= CAST(? AS DATETIME(6))) AND (spine_4.\`__t\` < CAST(? AS DATETIME(6)))
GROUP BY
  CAST(DATE(spine_4.\`__t\`) AS DATETIME)`,
      },
      bigquery: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2.\`revenue\`) AS \`revenue_7d\`
  , DATETIME_TRUNC(CAST(spine_4.\`__t\` AS DATETIME), DAY) AS \`metric_time__day\`
FROM (
  SELECT
    spine_3.\`date_day\` AS \`__t\`
  FROM \`shop\`.\`time_spine\` spine_3
) spine_4
INNER JOIN (
  SELECT
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) AS \`__t\`
    , amount AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  WHERE (DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) >= CAST(? AS DATETIME)) AND (DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), DAY) < CAST(? AS DATETIME))
) subq_2
ON
  (subq_2.\`__t\` <= spine_4.\`__t\`)
  AND (subq_2.\`__t\` > DATETIME_ADD(CAST(spine_4.\`__t\` AS DATETIME), INTERVAL -7 DAY))
WHERE (spine_4.\`__t\` >= CAST(? AS DATETIME)) AND (spine_4.\`__t\` < CAST(? AS DATETIME))
GROUP BY
  DATETIME_TRUNC(CAST(spine_4.\`__t\` AS DATETIME), DAY)`,
      },
      snowflake: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2."revenue") AS "revenue_7d"
  , DATE_TRUNC('day', spine_4."__t") AS "metric_time__day"
FROM (
  SELECT
    spine_3.date_day AS "__t"
  FROM shop.time_spine spine_3
) spine_4
INNER JOIN (
  SELECT
    DATE_TRUNC('day', ordered_at) AS "__t"
    , amount AS "revenue"
  FROM shop.orders src_1
  WHERE (DATE_TRUNC('day', ordered_at) >= CAST(? AS TIMESTAMP)) AND (DATE_TRUNC('day', ordered_at) < CAST(? AS TIMESTAMP))
) subq_2
ON
  (subq_2."__t" <= spine_4."__t")
  AND (subq_2."__t" > DATEADD(day, -7, spine_4."__t"))
WHERE (spine_4."__t" >= CAST(? AS TIMESTAMP)) AND (spine_4."__t" < CAST(? AS TIMESTAMP))
GROUP BY
  DATE_TRUNC('day', spine_4."__t")`,
      },
      mssql: {
        params: ["2023-12-25 00:00:00","2024-02-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00"],
        sql: `
SELECT
  SUM(subq_2.[revenue]) AS [revenue_7d]
  , DATEADD(day, DATEDIFF(day, 0, spine_4.[__t]), 0) AS [metric_time__day]
FROM (
  SELECT
    spine_3.[date_day] AS [__t]
  FROM [shop].[time_spine] spine_3
) spine_4
INNER JOIN (
  SELECT
    DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) AS [__t]
    , amount AS [revenue]
  FROM [shop].[orders] src_1
  WHERE (DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) >= CAST(@p1 AS DATETIME2)) AND (DATEADD(day, DATEDIFF(day, 0, [ordered_at]), 0) < CAST(@p2 AS DATETIME2))
) subq_2
ON
  (subq_2.[__t] <= spine_4.[__t])
  AND (subq_2.[__t] > DATEADD(day, -7, spine_4.[__t]))
WHERE (spine_4.[__t] >= CAST(@p3 AS DATETIME2)) AND (spine_4.[__t] < CAST(@p4 AS DATETIME2))
GROUP BY
  DATEADD(day, DATEDIFF(day, 0, spine_4.[__t]), 0)`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(nest_1.\`__subq_2_revenue\`)) AS \`revenue_7d\`
  , toDateTime(toDate(nest_1.\`__spine_4___t\`)) AS \`metric_time__day\`
FROM (
  SELECT
    subq_2.\`revenue\` AS \`__subq_2_revenue\`
    , spine_4.\`__t\` AS \`__spine_4___t\`
    , subq_2.\`__t\` AS \`__subq_2___t\`
  FROM (
    SELECT
      spine_3.\`date_day\` AS \`__t\`
    FROM \`shop\`.\`time_spine\` spine_3
  ) spine_4
  CROSS JOIN (
    SELECT
      toDateTime(toDate(\`ordered_at\`)) AS \`__t\`
      , amount AS \`revenue\`
    FROM \`shop\`.\`orders\` src_1
    WHERE (toDateTime(toDate(\`ordered_at\`)) >= toDateTime('2023-12-25 00:00:00')) AND (toDateTime(toDate(\`ordered_at\`)) < toDateTime('2024-02-01 00:00:00'))
  ) subq_2
) nest_1
WHERE (nest_1.\`__subq_2___t\` <= nest_1.\`__spine_4___t\`) AND (nest_1.\`__subq_2___t\` > addDays(toDateTime(nest_1.\`__spine_4___t\`), -7)) AND (toDateTime(nest_1.\`__spine_4___t\`) >= toDateTime('2024-01-01 00:00:00')) AND (toDateTime(nest_1.\`__spine_4___t\`) < toDateTime('2024-02-01 00:00:00'))
GROUP BY
  toDateTime(toDate(nest_1.\`__spine_4___t\`))`,
      },
    },
  },
  {
    name: "filters with parameters",
    query: {"metrics":["revenue"],"group_by":["customer__region"],"where":["{{ Dimension('order__status') }} <> 'cancelled'"],"filters":[{"field":"customer__region","op":"in","value":["EU","O'Brien"]}]},
    expected: {
      postgres: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , "status" AS "order__status"
    , customer_id AS "__k_customer"
  FROM "shop"."orders" src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    "region" AS "customer__region"
    , customer_id AS "__k"
  FROM "shop"."customers" src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
WHERE ((src_3."order__status" <> 'cancelled')) AND ((join_1."customer__region" IN ($1, $2)))
GROUP BY
  join_1."customer__region"`,
      },
      redshift: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , "status" AS "order__status"
    , customer_id AS "__k_customer"
  FROM "shop"."orders" src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    "region" AS "customer__region"
    , customer_id AS "__k"
  FROM "shop"."customers" src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
WHERE ((src_3."order__status" <> 'cancelled')) AND ((join_1."customer__region" IN ($1, $2)))
GROUP BY
  join_1."customer__region"`,
      },
      mysql: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3.\`revenue\`) AS \`revenue\`
  , join_1.\`customer__region\` AS \`customer__region\`
FROM (
  SELECT
    amount AS \`revenue\`
    , \`status\` AS \`order__status\`
    , customer_id AS \`__k_customer\`
  FROM \`shop\`.\`orders\` src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    \`region\` AS \`customer__region\`
    , customer_id AS \`__k\`
  FROM \`shop\`.\`customers\` src_2
) join_1
ON
  src_3.\`__k_customer\` = join_1.\`__k\`
WHERE ((src_3.\`order__status\` <> 'cancelled')) AND ((join_1.\`customer__region\` IN (?, ?)))
GROUP BY
  join_1.\`customer__region\``,
      },
      bigquery: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3.\`revenue\`) AS \`revenue\`
  , join_1.\`customer__region\` AS \`customer__region\`
FROM (
  SELECT
    amount AS \`revenue\`
    , \`status\` AS \`order__status\`
    , customer_id AS \`__k_customer\`
  FROM \`shop\`.\`orders\` src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    \`region\` AS \`customer__region\`
    , customer_id AS \`__k\`
  FROM \`shop\`.\`customers\` src_2
) join_1
ON
  src_3.\`__k_customer\` = join_1.\`__k\`
WHERE ((src_3.\`order__status\` <> 'cancelled')) AND ((join_1.\`customer__region\` IN (?, ?)))
GROUP BY
  join_1.\`customer__region\``,
      },
      snowflake: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3."revenue") AS "revenue"
  , join_1."customer__region" AS "customer__region"
FROM (
  SELECT
    amount AS "revenue"
    , status AS "order__status"
    , customer_id AS "__k_customer"
  FROM shop.orders src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    region AS "customer__region"
    , customer_id AS "__k"
  FROM shop.customers src_2
) join_1
ON
  src_3."__k_customer" = join_1."__k"
WHERE ((src_3."order__status" <> 'cancelled')) AND ((join_1."customer__region" IN (?, ?)))
GROUP BY
  join_1."customer__region"`,
      },
      mssql: {
        params: ["EU","O'Brien"],
        sql: `
SELECT
  SUM(src_3.[revenue]) AS [revenue]
  , join_1.[customer__region] AS [customer__region]
FROM (
  SELECT
    amount AS [revenue]
    , [status] AS [order__status]
    , customer_id AS [__k_customer]
  FROM [shop].[orders] src_4
) src_3
LEFT OUTER JOIN (
  SELECT
    [region] AS [customer__region]
    , customer_id AS [__k]
  FROM [shop].[customers] src_2
) join_1
ON
  src_3.[__k_customer] = join_1.[__k]
WHERE ((src_3.[order__status] <> 'cancelled')) AND ((join_1.[customer__region] IN (@p1, @p2)))
GROUP BY
  join_1.[customer__region]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(nest_1.\`__src_3_revenue\`)) AS \`revenue\`
  , nest_1.\`__join_1_customer__region\` AS \`customer__region\`
FROM (
  SELECT
    src_3.\`revenue\` AS \`__src_3_revenue\`
    , join_1.\`customer__region\` AS \`__join_1_customer__region\`
    , src_3.\`order__status\` AS \`__src_3_order__status\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , \`status\` AS \`order__status\`
      , customer_id AS \`__k_customer\`
    FROM \`shop\`.\`orders\` src_4
  ) src_3
  ALL LEFT OUTER JOIN (
    SELECT
      toNullable(\`region\`) AS \`customer__region\`
      , toNullable(customer_id) AS \`__k\`
    FROM \`shop\`.\`customers\` src_2
  ) join_1
  ON
    src_3.\`__k_customer\` = join_1.\`__k\`
) nest_1
WHERE ((nest_1.\`__src_3_order__status\` <> 'cancelled')) AND ((nest_1.\`__join_1_customer__region\` IN ('EU', 'O\\'Brien')))
GROUP BY
  nest_1.\`__join_1_customer__region\``,
      },
    },
  },
  {
    name: "order and limit",
    query: {"metrics":["revenue"],"group_by":["order__status"],"order_by":["-revenue"],"limit":10},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , "status" AS "order__status"
FROM "shop"."orders" src_1
GROUP BY
  "status"
ORDER BY "revenue" DESC
LIMIT 10`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , "status" AS "order__status"
FROM "shop"."orders" src_1
GROUP BY
  "status"
ORDER BY "revenue" DESC
LIMIT 10`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
  , \`status\` AS \`order__status\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  \`status\`
ORDER BY SUM(amount) IS NULL DESC, \`revenue\` DESC
LIMIT 10`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS \`revenue\`
  , \`status\` AS \`order__status\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  \`status\`
ORDER BY \`revenue\` DESC
LIMIT 10`,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS "revenue"
  , status AS "order__status"
FROM shop.orders src_1
GROUP BY
  status
ORDER BY "revenue" DESC
LIMIT 10`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  SUM(amount) AS [revenue]
  , [status] AS [order__status]
FROM [shop].[orders] src_1
GROUP BY
  [status]
ORDER BY [revenue] DESC
OFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  SUM(toNullable(amount)) AS \`revenue\`
  , \`status\` AS \`order__status\`
FROM \`shop\`.\`orders\` src_1
GROUP BY
  \`status\`
ORDER BY \`revenue\` DESC NULLS FIRST
LIMIT 10`,
      },
    },
  },
  {
    name: "percentile",
    query: {"metrics":["order_amount_p90"],"group_by":["metric_time__day"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS "order_amount_p90"
  , DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
FROM "shop"."orders" src_1
GROUP BY
  DATE_TRUNC('day', "ordered_at")`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS "order_amount_p90"
  , DATE_TRUNC('day', "ordered_at") AS "metric_time__day"
FROM "shop"."orders" src_1
GROUP BY
  DATE_TRUNC('day', "ordered_at")`,
      },
      mysql: { error: "unsupported" },
      bigquery: { error: "unsupported" },
      snowflake: {
        params: [],
        sql: `
SELECT
  PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS "order_amount_p90"
  , DATE_TRUNC('day', ordered_at) AS "metric_time__day"
FROM shop.orders src_1
GROUP BY
  DATE_TRUNC('day', ordered_at)`,
      },
      mssql: { error: "unsupported" },
      clickhouse: { error: "unsupported" },
    },
  },
  {
    name: "dimension values filtered by a metric (outer join keys read from a copy on ClickHouse)",
    query: {"metrics":[],"group_by":["customer"],"where":["{{ Metric('revenue', group_by=['customer']) }} > 100"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  src_3."customer" AS "customer"
FROM (
  SELECT
    customer_id AS "customer"
  FROM "shop"."customers" src_4
) src_3
FULL OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_2
  GROUP BY
    customer_id
) metric_5
ON
  src_3."customer" = metric_5."customer"
WHERE (metric_5."revenue" > 100)
GROUP BY
  src_3."customer"`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  src_3."customer" AS "customer"
FROM (
  SELECT
    customer_id AS "customer"
  FROM "shop"."customers" src_4
) src_3
FULL OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_2
  GROUP BY
    customer_id
) metric_5
ON
  src_3."customer" = metric_5."customer"
WHERE (metric_5."revenue" > 100)
GROUP BY
  src_3."customer"`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  subq_6.\`customer\` AS \`customer\`
FROM (
  SELECT
    src_3.\`customer\` AS \`customer\`
  FROM (
    SELECT
      customer_id AS \`customer\`
    FROM \`shop\`.\`customers\` src_4
  ) src_3
  LEFT OUTER JOIN (
    SELECT
      customer_id AS \`customer\`
      , SUM(amount) AS \`revenue\`
    FROM \`shop\`.\`orders\` src_2
    GROUP BY
      customer_id
  ) metric_5
  ON
    src_3.\`customer\` = metric_5.\`customer\`
  WHERE (metric_5.\`revenue\` > 100)
  UNION
  SELECT
    src_3.\`customer\` AS \`customer\`
  FROM (
    SELECT
      customer_id AS \`customer\`
    FROM \`shop\`.\`customers\` src_4
  ) src_3
  RIGHT OUTER JOIN (
    SELECT
      customer_id AS \`customer\`
      , SUM(amount) AS \`revenue\`
    FROM \`shop\`.\`orders\` src_2
    GROUP BY
      customer_id
  ) metric_5
  ON
    src_3.\`customer\` = metric_5.\`customer\`
  WHERE ((metric_5.\`revenue\` > 100)) AND (src_3.\`customer\` IS NULL)
) subq_6`,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  src_3.\`customer\` AS \`customer\`
FROM (
  SELECT
    customer_id AS \`customer\`
  FROM \`shop\`.\`customers\` src_4
) src_3
FULL OUTER JOIN (
  SELECT
    customer_id AS \`customer\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_2
  GROUP BY
    customer_id
) metric_5
ON
  src_3.\`customer\` = metric_5.\`customer\`
WHERE (metric_5.\`revenue\` > 100)
GROUP BY
  src_3.\`customer\``,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  src_3."customer" AS "customer"
FROM (
  SELECT
    customer_id AS "customer"
  FROM shop.customers src_4
) src_3
FULL OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM shop.orders src_2
  GROUP BY
    customer_id
) metric_5
ON
  src_3."customer" = metric_5."customer"
WHERE (metric_5."revenue" > 100)
GROUP BY
  src_3."customer"`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  src_3.[customer] AS [customer]
FROM (
  SELECT
    customer_id AS [customer]
  FROM [shop].[customers] src_4
) src_3
FULL OUTER JOIN (
  SELECT
    customer_id AS [customer]
    , SUM(amount) AS [revenue]
  FROM [shop].[orders] src_2
  GROUP BY
    customer_id
) metric_5
ON
  src_3.[customer] = metric_5.[customer]
WHERE (metric_5.[revenue] > 100)
GROUP BY
  src_3.[customer]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  nest_1.\`__src_3___jk_customer\` AS \`customer\`
FROM (
  SELECT
    src_3.\`__jk_customer\` AS \`__src_3___jk_customer\`
    , metric_5.\`revenue\` AS \`__metric_5_revenue\`
  FROM (
    SELECT
      toNullable(customer_id) AS \`customer\`
      , toNullable(customer_id) AS \`__jk_customer\`
    FROM \`shop\`.\`customers\` src_4
  ) src_3
  ALL FULL OUTER JOIN (
    SELECT
      toNullable(customer_id) AS \`customer\`
      , toNullable(SUM(toNullable(amount))) AS \`revenue\`
    FROM \`shop\`.\`orders\` src_2
    GROUP BY
      customer_id
  ) metric_5
  ON
    src_3.\`customer\` = metric_5.\`customer\`
) nest_1
WHERE (nest_1.\`__metric_5_revenue\` > 100)
GROUP BY
  nest_1.\`__src_3___jk_customer\``,
      },
    },
  },
  {
    name: "metric filtered by a metric (outer join keys read from a copy on ClickHouse)",
    query: {"metrics":["visits"],"group_by":["customer"],"where":["{{ Metric('revenue', group_by=['customer']) }} > 100"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  COUNT(src_2."visit_count") AS "visits"
  , src_2."customer" AS "customer"
FROM (
  SELECT
    visit_id AS "visit_count"
    , customer_id AS "customer"
  FROM "shop"."visits" src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2."customer" = metric_4."customer"
WHERE (metric_4."revenue" > 100)
GROUP BY
  src_2."customer"`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  COUNT(src_2."visit_count") AS "visits"
  , src_2."customer" AS "customer"
FROM (
  SELECT
    visit_id AS "visit_count"
    , customer_id AS "customer"
  FROM "shop"."visits" src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2."customer" = metric_4."customer"
WHERE (metric_4."revenue" > 100)
GROUP BY
  src_2."customer"`,
      },
      mysql: {
        params: [],
        sql: `
SELECT
  COUNT(src_2.\`visit_count\`) AS \`visits\`
  , src_2.\`customer\` AS \`customer\`
FROM (
  SELECT
    visit_id AS \`visit_count\`
    , customer_id AS \`customer\`
  FROM \`shop\`.\`visits\` src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS \`customer\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2.\`customer\` = metric_4.\`customer\`
WHERE (metric_4.\`revenue\` > 100)
GROUP BY
  src_2.\`customer\``,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  COUNT(src_2.\`visit_count\`) AS \`visits\`
  , src_2.\`customer\` AS \`customer\`
FROM (
  SELECT
    visit_id AS \`visit_count\`
    , customer_id AS \`customer\`
  FROM \`shop\`.\`visits\` src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS \`customer\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2.\`customer\` = metric_4.\`customer\`
WHERE (metric_4.\`revenue\` > 100)
GROUP BY
  src_2.\`customer\``,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  COUNT(src_2."visit_count") AS "visits"
  , src_2."customer" AS "customer"
FROM (
  SELECT
    visit_id AS "visit_count"
    , customer_id AS "customer"
  FROM shop.visits src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS "customer"
    , SUM(amount) AS "revenue"
  FROM shop.orders src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2."customer" = metric_4."customer"
WHERE (metric_4."revenue" > 100)
GROUP BY
  src_2."customer"`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  COUNT(src_2.[visit_count]) AS [visits]
  , src_2.[customer] AS [customer]
FROM (
  SELECT
    visit_id AS [visit_count]
    , customer_id AS [customer]
  FROM [shop].[visits] src_3
) src_2
LEFT OUTER JOIN (
  SELECT
    customer_id AS [customer]
    , SUM(amount) AS [revenue]
  FROM [shop].[orders] src_1
  GROUP BY
    customer_id
) metric_4
ON
  src_2.[customer] = metric_4.[customer]
WHERE (metric_4.[revenue] > 100)
GROUP BY
  src_2.[customer]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  COUNT(nest_1.\`__src_2_visit_count\`) AS \`visits\`
  , nest_1.\`__src_2___jk_customer\` AS \`customer\`
FROM (
  SELECT
    src_2.\`visit_count\` AS \`__src_2_visit_count\`
    , src_2.\`__jk_customer\` AS \`__src_2___jk_customer\`
    , metric_4.\`revenue\` AS \`__metric_4_revenue\`
  FROM (
    SELECT
      visit_id AS \`visit_count\`
      , customer_id AS \`customer\`
      , customer_id AS \`__jk_customer\`
    FROM \`shop\`.\`visits\` src_3
  ) src_2
  ALL LEFT OUTER JOIN (
    SELECT
      toNullable(customer_id) AS \`customer\`
      , toNullable(SUM(toNullable(amount))) AS \`revenue\`
    FROM \`shop\`.\`orders\` src_1
    GROUP BY
      customer_id
  ) metric_4
  ON
    src_2.\`customer\` = metric_4.\`customer\`
) nest_1
WHERE (nest_1.\`__metric_4_revenue\` > 100)
GROUP BY
  nest_1.\`__src_2___jk_customer\``,
      },
    },
  },
]

describe('compiled SQL per dialect', () => {
  const manifest = shopManifest()

  it('states the expected SQL of every dialect for every row', () => {
    for (const row of ROWS) expectEveryDialect(row)
    expect(() => expectEveryDialect({ name: 'incomplete', query: { metrics: ['revenue'] }, expected: { postgres: { error: 'x' } } })).toThrow(/mysql/)
  })

  for (const row of ROWS) {
    describe(row.name, () => {
      for (const dialect of DIALECT_NAMES) {
        it(`compiles for ${dialect}`, () => {
          expectEveryDialect(row)
          const expected = row.expected[dialect]
          if ('error' in expected) {
            let err: unknown
            try {
              compile(row.query, manifest, dialect)
            } catch (e) {
              err = e
            }
            expect(err).toBeInstanceOf(SemanticError)
            expect((err as SemanticError).code).toBe(expected.error)
            return
          }
          const compiled = compile(row.query, manifest, dialect)
          expect(compiled.sql).toBe(expected.sql.replace(/^\n/, ''))
          expect(compiled.params).toEqual(expected.params)
        })
      }
    })
  }
})
