// Exact SQL per dialect for the period-comparison and share-of-total options
// (pinned like dialect-sql.test.ts; the same queries run on real engines in
// test/conformance/period-share-engines.test.ts). A row missing a dialect fails.
import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, compile, type DialectName, type SemanticQuery } from '../../../semantic'
import { shopManifest } from './shop-manifest'

interface Row { name: string; query: SemanticQuery; expected: Partial<Record<DialectName, { sql: string; params: unknown[] }>> }

const ROWS: Row[] = [
  {
    name: "ad-hoc offset metric by month",
    query: {"metrics":["revenue","revenue_prev_month"],"group_by":[{"name":"metric_time","grain":"month"}],"offset_metrics":[{"name":"revenue","alias":"revenue_prev_month","offset_window":"1 month"}],"order_by":["metric_time__month"]},
    expected: {
      postgres: {
        params: [],
        sql: `
SELECT
  MAX(subq_7."revenue") AS "revenue"
  , MAX(subq_8."revenue_prev_month") AS "revenue_prev_month"
  , COALESCE(subq_7."metric_time__month", subq_8."metric_time__month") AS "metric_time__month"
FROM (
  SELECT
    DATE_TRUNC('month', "ordered_at") AS "metric_time__month"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('month', "ordered_at")
) subq_7
FULL OUTER JOIN (
  SELECT
    subq_6."metric_time__month" AS "metric_time__month"
    , subq_6."__input_0" AS "revenue_prev_month"
  FROM (
    SELECT
      DATE_TRUNC('month', spine_2."__t") AS "metric_time__month"
      , SUM(subq_5."revenue") AS "__input_0"
    FROM (
      SELECT DISTINCT
        DATE_TRUNC('month', spine_3."date_day") AS "__t"
      FROM "shop"."time_spine" spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('month', "ordered_at") AS "__t"
        , amount AS "revenue"
      FROM "shop"."orders" src_4
    ) subq_5
    ON
      subq_5."__t" = (spine_2."__t" + -1 * INTERVAL '1 month')
    GROUP BY
      DATE_TRUNC('month', spine_2."__t")
  ) subq_6
) subq_8
ON
  subq_7."metric_time__month" = subq_8."metric_time__month"
GROUP BY
  COALESCE(subq_7."metric_time__month", subq_8."metric_time__month")
ORDER BY "metric_time__month"`,
      },
      redshift: {
        params: [],
        sql: `
SELECT
  MAX(subq_7."revenue") AS "revenue"
  , MAX(subq_8."revenue_prev_month") AS "revenue_prev_month"
  , COALESCE(subq_7."metric_time__month", subq_8."metric_time__month") AS "metric_time__month"
FROM (
  SELECT
    DATE_TRUNC('month', "ordered_at") AS "metric_time__month"
    , SUM(amount) AS "revenue"
  FROM "shop"."orders" src_1
  GROUP BY
    DATE_TRUNC('month', "ordered_at")
) subq_7
FULL OUTER JOIN (
  SELECT
    subq_6."metric_time__month" AS "metric_time__month"
    , subq_6."__input_0" AS "revenue_prev_month"
  FROM (
    SELECT
      DATE_TRUNC('month', spine_2."__t") AS "metric_time__month"
      , SUM(subq_5."revenue") AS "__input_0"
    FROM (
      SELECT DISTINCT
        DATE_TRUNC('month', spine_3."date_day") AS "__t"
      FROM "shop"."time_spine" spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('month', "ordered_at") AS "__t"
        , amount AS "revenue"
      FROM "shop"."orders" src_4
    ) subq_5
    ON
      subq_5."__t" = DATEADD(month, -1, spine_2."__t")
    GROUP BY
      DATE_TRUNC('month', spine_2."__t")
  ) subq_6
) subq_8
ON
  subq_7."metric_time__month" = subq_8."metric_time__month"
GROUP BY
  COALESCE(subq_7."metric_time__month", subq_8."metric_time__month")
ORDER BY "metric_time__month"`,
      },
      mysql: {
        params: [],
        sql: `
WITH metric_9 AS (
  SELECT
    CAST(DATE_FORMAT(\`ordered_at\`, '%Y-%m-01') AS DATETIME) AS \`metric_time__month\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    CAST(DATE_FORMAT(\`ordered_at\`, '%Y-%m-01') AS DATETIME)
)
, metric_10 AS (
  SELECT
    subq_6.\`metric_time__month\` AS \`metric_time__month\`
    , subq_6.\`__input_0\` AS \`revenue_prev_month\`
  FROM (
    SELECT
      CAST(DATE_FORMAT(spine_2.\`__t\`, '%Y-%m-01') AS DATETIME) AS \`metric_time__month\`
      , SUM(subq_5.\`revenue\`) AS \`__input_0\`
    FROM (
      SELECT DISTINCT
        CAST(DATE_FORMAT(spine_3.\`date_day\`, '%Y-%m-01') AS DATETIME) AS \`__t\`
      FROM \`shop\`.\`time_spine\` spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        CAST(DATE_FORMAT(\`ordered_at\`, '%Y-%m-01') AS DATETIME) AS \`__t\`
        , amount AS \`revenue\`
      FROM \`shop\`.\`orders\` src_4
    ) subq_5
    ON
      subq_5.\`__t\` = DATE_ADD(spine_2.\`__t\`, INTERVAL -1 MONTH)
    GROUP BY
      CAST(DATE_FORMAT(spine_2.\`__t\`, '%Y-%m-01') AS DATETIME)
  ) subq_6
)
SELECT
  subq_7.\`revenue\` AS \`revenue\`
  , subq_8.\`revenue_prev_month\` AS \`revenue_prev_month\`
  , keys_13.\`metric_time__month\` AS \`metric_time__month\`
FROM (
  SELECT
    subq_11.\`metric_time__month\` AS \`metric_time__month\`
  FROM metric_9 subq_11
  UNION
  SELECT
    subq_12.\`metric_time__month\` AS \`metric_time__month\`
  FROM metric_10 subq_12
) keys_13
LEFT OUTER JOIN metric_9 subq_7
ON
  keys_13.\`metric_time__month\` <=> subq_7.\`metric_time__month\`
LEFT OUTER JOIN metric_10 subq_8
ON
  keys_13.\`metric_time__month\` <=> subq_8.\`metric_time__month\`
ORDER BY keys_13.\`metric_time__month\` IS NULL, \`metric_time__month\``,
      },
      bigquery: {
        params: [],
        sql: `
SELECT
  MAX(subq_7.\`revenue\`) AS \`revenue\`
  , MAX(subq_8.\`revenue_prev_month\`) AS \`revenue_prev_month\`
  , COALESCE(subq_7.\`metric_time__month\`, subq_8.\`metric_time__month\`) AS \`metric_time__month\`
FROM (
  SELECT
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), MONTH) AS \`metric_time__month\`
    , SUM(amount) AS \`revenue\`
  FROM \`shop\`.\`orders\` src_1
  GROUP BY
    DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), MONTH)
) subq_7
FULL OUTER JOIN (
  SELECT
    subq_6.\`metric_time__month\` AS \`metric_time__month\`
    , subq_6.\`__input_0\` AS \`revenue_prev_month\`
  FROM (
    SELECT
      DATETIME_TRUNC(CAST(spine_2.\`__t\` AS DATETIME), MONTH) AS \`metric_time__month\`
      , SUM(subq_5.\`revenue\`) AS \`__input_0\`
    FROM (
      SELECT DISTINCT
        DATETIME_TRUNC(CAST(spine_3.\`date_day\` AS DATETIME), MONTH) AS \`__t\`
      FROM \`shop\`.\`time_spine\` spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATETIME_TRUNC(CAST(\`ordered_at\` AS DATETIME), MONTH) AS \`__t\`
        , amount AS \`revenue\`
      FROM \`shop\`.\`orders\` src_4
    ) subq_5
    ON
      subq_5.\`__t\` = DATETIME_ADD(CAST(spine_2.\`__t\` AS DATETIME), INTERVAL -1 MONTH)
    GROUP BY
      DATETIME_TRUNC(CAST(spine_2.\`__t\` AS DATETIME), MONTH)
  ) subq_6
) subq_8
ON
  subq_7.\`metric_time__month\` = subq_8.\`metric_time__month\`
GROUP BY
  COALESCE(subq_7.\`metric_time__month\`, subq_8.\`metric_time__month\`)
ORDER BY \`metric_time__month\``,
      },
      snowflake: {
        params: [],
        sql: `
SELECT
  MAX(subq_7."revenue") AS "revenue"
  , MAX(subq_8."revenue_prev_month") AS "revenue_prev_month"
  , COALESCE(subq_7."metric_time__month", subq_8."metric_time__month") AS "metric_time__month"
FROM (
  SELECT
    DATE_TRUNC('month', ordered_at) AS "metric_time__month"
    , SUM(amount) AS "revenue"
  FROM shop.orders src_1
  GROUP BY
    DATE_TRUNC('month', ordered_at)
) subq_7
FULL OUTER JOIN (
  SELECT
    subq_6."metric_time__month" AS "metric_time__month"
    , subq_6."__input_0" AS "revenue_prev_month"
  FROM (
    SELECT
      DATE_TRUNC('month', spine_2."__t") AS "metric_time__month"
      , SUM(subq_5."revenue") AS "__input_0"
    FROM (
      SELECT DISTINCT
        DATE_TRUNC('month', spine_3.date_day) AS "__t"
      FROM shop.time_spine spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATE_TRUNC('month', ordered_at) AS "__t"
        , amount AS "revenue"
      FROM shop.orders src_4
    ) subq_5
    ON
      subq_5."__t" = DATEADD(month, -1, spine_2."__t")
    GROUP BY
      DATE_TRUNC('month', spine_2."__t")
  ) subq_6
) subq_8
ON
  subq_7."metric_time__month" = subq_8."metric_time__month"
GROUP BY
  COALESCE(subq_7."metric_time__month", subq_8."metric_time__month")
ORDER BY "metric_time__month"`,
      },
      mssql: {
        params: [],
        sql: `
SELECT
  MAX(subq_7.[revenue]) AS [revenue]
  , MAX(subq_8.[revenue_prev_month]) AS [revenue_prev_month]
  , COALESCE(subq_7.[metric_time__month], subq_8.[metric_time__month]) AS [metric_time__month]
FROM (
  SELECT
    DATEADD(month, DATEDIFF(month, 0, [ordered_at]), 0) AS [metric_time__month]
    , SUM(amount) AS [revenue]
  FROM [shop].[orders] src_1
  GROUP BY
    DATEADD(month, DATEDIFF(month, 0, [ordered_at]), 0)
) subq_7
FULL OUTER JOIN (
  SELECT
    subq_6.[metric_time__month] AS [metric_time__month]
    , subq_6.[__input_0] AS [revenue_prev_month]
  FROM (
    SELECT
      DATEADD(month, DATEDIFF(month, 0, spine_2.[__t]), 0) AS [metric_time__month]
      , SUM(subq_5.[revenue]) AS [__input_0]
    FROM (
      SELECT DISTINCT
        DATEADD(month, DATEDIFF(month, 0, spine_3.[date_day]), 0) AS [__t]
      FROM [shop].[time_spine] spine_3
    ) spine_2
    INNER JOIN (
      SELECT
        DATEADD(month, DATEDIFF(month, 0, [ordered_at]), 0) AS [__t]
        , amount AS [revenue]
      FROM [shop].[orders] src_4
    ) subq_5
    ON
      subq_5.[__t] = DATEADD(month, -1, spine_2.[__t])
    GROUP BY
      DATEADD(month, DATEDIFF(month, 0, spine_2.[__t]), 0)
  ) subq_6
) subq_8
ON
  subq_7.[metric_time__month] = subq_8.[metric_time__month]
GROUP BY
  COALESCE(subq_7.[metric_time__month], subq_8.[metric_time__month])
ORDER BY [metric_time__month]`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  unshadow_1.\`revenue\` AS \`revenue\`
  , unshadow_1.\`revenue_prev_month\` AS \`revenue_prev_month\`
  , unshadow_1.\`__shadow_metric_time__month\` AS \`metric_time__month\`
FROM (
  SELECT
    subq_7.\`revenue\` AS \`revenue\`
    , subq_8.\`revenue_prev_month\` AS \`revenue_prev_month\`
    , COALESCE(subq_7.\`metric_time__month\`, subq_8.\`metric_time__month\`) AS \`__shadow_metric_time__month\`
  FROM (
    SELECT
      unshadow_2.\`__shadow_metric_time__month\` AS \`metric_time__month\`
      , unshadow_2.\`__shadow_revenue\` AS \`revenue\`
      , unshadow_2.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_9.\`metric_time__month\`))) AS \`__shadow_metric_time__month\`
        , toNullable(toNullable(toNullable(subq_9.\`revenue\`))) AS \`__shadow_revenue\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_9.\`metric_time__month\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          toDateTime(toStartOfMonth(\`ordered_at\`)) AS \`metric_time__month\`
          , SUM(toNullable(amount)) AS \`revenue\`
        FROM \`shop\`.\`orders\` src_1
        GROUP BY
          toDateTime(toStartOfMonth(\`ordered_at\`))
      ) subq_9
    ) unshadow_2
  ) subq_7
  ALL FULL OUTER JOIN (
    SELECT
      unshadow_3.\`__shadow_metric_time__month\` AS \`metric_time__month\`
      , unshadow_3.\`__shadow_revenue_prev_month\` AS \`revenue_prev_month\`
      , unshadow_3.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_10.\`metric_time__month\`))) AS \`__shadow_metric_time__month\`
        , toNullable(toNullable(toNullable(subq_10.\`revenue_prev_month\`))) AS \`__shadow_revenue_prev_month\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_10.\`metric_time__month\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          subq_6.\`metric_time__month\` AS \`metric_time__month\`
          , subq_6.\`__input_0\` AS \`revenue_prev_month\`
        FROM (
          SELECT
            toDateTime(toStartOfMonth(nest_4.\`__spine_2___t\`)) AS \`metric_time__month\`
            , SUM(toNullable(nest_4.\`__subq_5_revenue\`)) AS \`__input_0\`
          FROM (
            SELECT
              spine_2.\`__t\` AS \`__spine_2___t\`
              , subq_5.\`revenue\` AS \`__subq_5_revenue\`
            FROM (
              SELECT DISTINCT
                toDateTime(toStartOfMonth(spine_3.\`date_day\`)) AS \`__t\`
              FROM \`shop\`.\`time_spine\` spine_3
            ) spine_2
            ALL INNER JOIN (
              SELECT
                toDateTime(toStartOfMonth(\`ordered_at\`)) AS \`__t\`
                , amount AS \`revenue\`
              FROM \`shop\`.\`orders\` src_4
            ) subq_5
            ON
              subq_5.\`__t\` = addMonths(toDateTime(spine_2.\`__t\`), -1)
          ) nest_4
          GROUP BY
            toDateTime(toStartOfMonth(nest_4.\`__spine_2___t\`))
        ) subq_6
      ) subq_10
    ) unshadow_3
  ) subq_8
  USING (\`__key_0\`)
) unshadow_1
ORDER BY \`metric_time__month\``,
      },
    },
  },
  {
    name: "compare with the same period a year earlier",
    query: {"metrics":["revenue"],"group_by":["customer__region"],"time_constraint":{"start":"2024-01-01","end":"2024-06-15"},"compare":{"offset_window":"1 year"}},
    expected: {
      postgres: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
SELECT
  MAX(subq_9."revenue") AS "revenue"
  , COALESCE(subq_9."customer__region", subq_10."customer__region") AS "customer__region"
  , MAX(subq_10."revenue__previous") AS "revenue__previous"
FROM (
  SELECT
    join_1."customer__region" AS "customer__region"
    , SUM(src_3."revenue") AS "revenue"
  FROM (
    SELECT
      amount AS "revenue"
      , "ordered_at" AS "__traw"
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
  WHERE (src_3."__traw" >= CAST($1 AS TIMESTAMP)) AND (src_3."__traw" < CAST($2 AS TIMESTAMP))
  GROUP BY
    join_1."customer__region"
) subq_9
FULL OUTER JOIN (
  SELECT
    join_5."customer__region" AS "customer__region"
    , SUM(src_7."revenue") AS "revenue__previous"
  FROM (
    SELECT
      amount AS "revenue"
      , "ordered_at" AS "__traw"
      , customer_id AS "__k_customer"
    FROM "shop"."orders" src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      "region" AS "customer__region"
      , customer_id AS "__k"
    FROM "shop"."customers" src_6
  ) join_5
  ON
    src_7."__k_customer" = join_5."__k"
  WHERE (src_7."__traw" >= CAST($3 AS TIMESTAMP)) AND (src_7."__traw" < CAST($4 AS TIMESTAMP))
  GROUP BY
    join_5."customer__region"
) subq_10
ON
  subq_9."customer__region" = subq_10."customer__region"
GROUP BY
  COALESCE(subq_9."customer__region", subq_10."customer__region")`,
      },
      redshift: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
SELECT
  MAX(subq_9."revenue") AS "revenue"
  , COALESCE(subq_9."customer__region", subq_10."customer__region") AS "customer__region"
  , MAX(subq_10."revenue__previous") AS "revenue__previous"
FROM (
  SELECT
    join_1."customer__region" AS "customer__region"
    , SUM(src_3."revenue") AS "revenue"
  FROM (
    SELECT
      amount AS "revenue"
      , "ordered_at" AS "__traw"
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
  WHERE (src_3."__traw" >= CAST($1 AS TIMESTAMP)) AND (src_3."__traw" < CAST($2 AS TIMESTAMP))
  GROUP BY
    join_1."customer__region"
) subq_9
FULL OUTER JOIN (
  SELECT
    join_5."customer__region" AS "customer__region"
    , SUM(src_7."revenue") AS "revenue__previous"
  FROM (
    SELECT
      amount AS "revenue"
      , "ordered_at" AS "__traw"
      , customer_id AS "__k_customer"
    FROM "shop"."orders" src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      "region" AS "customer__region"
      , customer_id AS "__k"
    FROM "shop"."customers" src_6
  ) join_5
  ON
    src_7."__k_customer" = join_5."__k"
  WHERE (src_7."__traw" >= CAST($3 AS TIMESTAMP)) AND (src_7."__traw" < CAST($4 AS TIMESTAMP))
  GROUP BY
    join_5."customer__region"
) subq_10
ON
  subq_9."customer__region" = subq_10."customer__region"
GROUP BY
  COALESCE(subq_9."customer__region", subq_10."customer__region")`,
      },
      mysql: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
WITH metric_11 AS (
  SELECT
    join_1.\`customer__region\` AS \`customer__region\`
    , SUM(src_3.\`revenue\`) AS \`revenue\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , \`ordered_at\` AS \`__traw\`
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
  WHERE (src_3.\`__traw\` >= CAST(? AS DATETIME(6))) AND (src_3.\`__traw\` < CAST(? AS DATETIME(6)))
  GROUP BY
    join_1.\`customer__region\`
)
, metric_12 AS (
  SELECT
    join_5.\`customer__region\` AS \`customer__region\`
    , SUM(src_7.\`revenue\`) AS \`revenue__previous\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , \`ordered_at\` AS \`__traw\`
      , customer_id AS \`__k_customer\`
    FROM \`shop\`.\`orders\` src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      \`region\` AS \`customer__region\`
      , customer_id AS \`__k\`
    FROM \`shop\`.\`customers\` src_6
  ) join_5
  ON
    src_7.\`__k_customer\` = join_5.\`__k\`
  WHERE (src_7.\`__traw\` >= CAST(? AS DATETIME(6))) AND (src_7.\`__traw\` < CAST(? AS DATETIME(6)))
  GROUP BY
    join_5.\`customer__region\`
)
SELECT
  subq_9.\`revenue\` AS \`revenue\`
  , keys_15.\`customer__region\` AS \`customer__region\`
  , subq_10.\`revenue__previous\` AS \`revenue__previous\`
FROM (
  SELECT
    subq_13.\`customer__region\` AS \`customer__region\`
  FROM metric_11 subq_13
  UNION
  SELECT
    subq_14.\`customer__region\` AS \`customer__region\`
  FROM metric_12 subq_14
) keys_15
LEFT OUTER JOIN metric_11 subq_9
ON
  keys_15.\`customer__region\` <=> subq_9.\`customer__region\`
LEFT OUTER JOIN metric_12 subq_10
ON
  keys_15.\`customer__region\` <=> subq_10.\`customer__region\``,
      },
      bigquery: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
SELECT
  MAX(subq_9.\`revenue\`) AS \`revenue\`
  , COALESCE(subq_9.\`customer__region\`, subq_10.\`customer__region\`) AS \`customer__region\`
  , MAX(subq_10.\`revenue__previous\`) AS \`revenue__previous\`
FROM (
  SELECT
    join_1.\`customer__region\` AS \`customer__region\`
    , SUM(src_3.\`revenue\`) AS \`revenue\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , \`ordered_at\` AS \`__traw\`
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
  WHERE (src_3.\`__traw\` >= CAST(? AS DATETIME)) AND (src_3.\`__traw\` < CAST(? AS DATETIME))
  GROUP BY
    join_1.\`customer__region\`
) subq_9
FULL OUTER JOIN (
  SELECT
    join_5.\`customer__region\` AS \`customer__region\`
    , SUM(src_7.\`revenue\`) AS \`revenue__previous\`
  FROM (
    SELECT
      amount AS \`revenue\`
      , \`ordered_at\` AS \`__traw\`
      , customer_id AS \`__k_customer\`
    FROM \`shop\`.\`orders\` src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      \`region\` AS \`customer__region\`
      , customer_id AS \`__k\`
    FROM \`shop\`.\`customers\` src_6
  ) join_5
  ON
    src_7.\`__k_customer\` = join_5.\`__k\`
  WHERE (src_7.\`__traw\` >= CAST(? AS DATETIME)) AND (src_7.\`__traw\` < CAST(? AS DATETIME))
  GROUP BY
    join_5.\`customer__region\`
) subq_10
ON
  subq_9.\`customer__region\` = subq_10.\`customer__region\`
GROUP BY
  COALESCE(subq_9.\`customer__region\`, subq_10.\`customer__region\`)`,
      },
      snowflake: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
SELECT
  MAX(subq_9."revenue") AS "revenue"
  , COALESCE(subq_9."customer__region", subq_10."customer__region") AS "customer__region"
  , MAX(subq_10."revenue__previous") AS "revenue__previous"
FROM (
  SELECT
    join_1."customer__region" AS "customer__region"
    , SUM(src_3."revenue") AS "revenue"
  FROM (
    SELECT
      amount AS "revenue"
      , ordered_at AS "__traw"
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
  WHERE (src_3."__traw" >= CAST(? AS TIMESTAMP)) AND (src_3."__traw" < CAST(? AS TIMESTAMP))
  GROUP BY
    join_1."customer__region"
) subq_9
FULL OUTER JOIN (
  SELECT
    join_5."customer__region" AS "customer__region"
    , SUM(src_7."revenue") AS "revenue__previous"
  FROM (
    SELECT
      amount AS "revenue"
      , ordered_at AS "__traw"
      , customer_id AS "__k_customer"
    FROM shop.orders src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      region AS "customer__region"
      , customer_id AS "__k"
    FROM shop.customers src_6
  ) join_5
  ON
    src_7."__k_customer" = join_5."__k"
  WHERE (src_7."__traw" >= CAST(? AS TIMESTAMP)) AND (src_7."__traw" < CAST(? AS TIMESTAMP))
  GROUP BY
    join_5."customer__region"
) subq_10
ON
  subq_9."customer__region" = subq_10."customer__region"
GROUP BY
  COALESCE(subq_9."customer__region", subq_10."customer__region")`,
      },
      mssql: {
        params: ["2024-01-01 00:00:00","2024-06-16 00:00:00","2023-01-01 00:00:00","2023-06-16 00:00:00"],
        sql: `
SELECT
  MAX(subq_9.[revenue]) AS [revenue]
  , COALESCE(subq_9.[customer__region], subq_10.[customer__region]) AS [customer__region]
  , MAX(subq_10.[revenue__previous]) AS [revenue__previous]
FROM (
  SELECT
    join_1.[customer__region] AS [customer__region]
    , SUM(src_3.[revenue]) AS [revenue]
  FROM (
    SELECT
      amount AS [revenue]
      , [ordered_at] AS [__traw]
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
  WHERE (src_3.[__traw] >= CAST(@p1 AS DATETIME2)) AND (src_3.[__traw] < CAST(@p2 AS DATETIME2))
  GROUP BY
    join_1.[customer__region]
) subq_9
FULL OUTER JOIN (
  SELECT
    join_5.[customer__region] AS [customer__region]
    , SUM(src_7.[revenue]) AS [revenue__previous]
  FROM (
    SELECT
      amount AS [revenue]
      , [ordered_at] AS [__traw]
      , customer_id AS [__k_customer]
    FROM [shop].[orders] src_8
  ) src_7
  LEFT OUTER JOIN (
    SELECT
      [region] AS [customer__region]
      , customer_id AS [__k]
    FROM [shop].[customers] src_6
  ) join_5
  ON
    src_7.[__k_customer] = join_5.[__k]
  WHERE (src_7.[__traw] >= CAST(@p3 AS DATETIME2)) AND (src_7.[__traw] < CAST(@p4 AS DATETIME2))
  GROUP BY
    join_5.[customer__region]
) subq_10
ON
  subq_9.[customer__region] = subq_10.[customer__region]
GROUP BY
  COALESCE(subq_9.[customer__region], subq_10.[customer__region])`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  unshadow_1.\`revenue\` AS \`revenue\`
  , unshadow_1.\`__shadow_customer__region\` AS \`customer__region\`
  , unshadow_1.\`revenue__previous\` AS \`revenue__previous\`
FROM (
  SELECT
    subq_9.\`revenue\` AS \`revenue\`
    , COALESCE(subq_9.\`customer__region\`, subq_10.\`customer__region\`) AS \`__shadow_customer__region\`
    , subq_10.\`revenue__previous\` AS \`revenue__previous\`
  FROM (
    SELECT
      unshadow_2.\`__shadow_customer__region\` AS \`customer__region\`
      , unshadow_2.\`__shadow_revenue\` AS \`revenue\`
      , unshadow_2.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_11.\`customer__region\`))) AS \`__shadow_customer__region\`
        , toNullable(toNullable(toNullable(subq_11.\`revenue\`))) AS \`__shadow_revenue\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_11.\`customer__region\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          nest_3.\`__join_1_customer__region\` AS \`customer__region\`
          , SUM(toNullable(nest_3.\`__src_3_revenue\`)) AS \`revenue\`
        FROM (
          SELECT
            join_1.\`customer__region\` AS \`__join_1_customer__region\`
            , src_3.\`revenue\` AS \`__src_3_revenue\`
            , src_3.\`__traw\` AS \`__src_3___traw\`
          FROM (
            SELECT
              amount AS \`revenue\`
              , \`ordered_at\` AS \`__traw\`
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
        ) nest_3
        WHERE (toDateTime(nest_3.\`__src_3___traw\`) >= toDateTime('2024-01-01 00:00:00')) AND (toDateTime(nest_3.\`__src_3___traw\`) < toDateTime('2024-06-16 00:00:00'))
        GROUP BY
          nest_3.\`__join_1_customer__region\`
      ) subq_11
    ) unshadow_2
  ) subq_9
  ALL FULL OUTER JOIN (
    SELECT
      unshadow_4.\`__shadow_customer__region\` AS \`customer__region\`
      , unshadow_4.\`__shadow_revenue__previous\` AS \`revenue__previous\`
      , unshadow_4.\`__key_0\` AS \`__key_0\`
    FROM (
      SELECT
        toNullable(toNullable(toNullable(subq_12.\`customer__region\`))) AS \`__shadow_customer__region\`
        , toNullable(toNullable(toNullable(subq_12.\`revenue__previous\`))) AS \`__shadow_revenue__previous\`
        , toNullable(toNullable(ifNull(concat('v', toString(subq_12.\`customer__region\`)), 'n'))) AS \`__key_0\`
      FROM (
        SELECT
          nest_5.\`__join_5_customer__region\` AS \`customer__region\`
          , SUM(toNullable(nest_5.\`__src_7_revenue\`)) AS \`revenue__previous\`
        FROM (
          SELECT
            join_5.\`customer__region\` AS \`__join_5_customer__region\`
            , src_7.\`revenue\` AS \`__src_7_revenue\`
            , src_7.\`__traw\` AS \`__src_7___traw\`
          FROM (
            SELECT
              amount AS \`revenue\`
              , \`ordered_at\` AS \`__traw\`
              , customer_id AS \`__k_customer\`
            FROM \`shop\`.\`orders\` src_8
          ) src_7
          ALL LEFT OUTER JOIN (
            SELECT
              toNullable(\`region\`) AS \`customer__region\`
              , toNullable(customer_id) AS \`__k\`
            FROM \`shop\`.\`customers\` src_6
          ) join_5
          ON
            src_7.\`__k_customer\` = join_5.\`__k\`
        ) nest_5
        WHERE (toDateTime(nest_5.\`__src_7___traw\`) >= toDateTime('2023-01-01 00:00:00')) AND (toDateTime(nest_5.\`__src_7___traw\`) < toDateTime('2023-06-16 00:00:00'))
        GROUP BY
          nest_5.\`__join_5_customer__region\`
      ) subq_12
    ) unshadow_4
  ) subq_10
  USING (\`__key_0\`)
) unshadow_1`,
      },
    },
  },
  {
    name: "share of total with a filter on the grouped dimension",
    query: {"metrics":["revenue"],"group_by":["customer__region"],"share_of_total":true,"filters":[{"field":"customer__region","op":"=","value":"EU"}],"order_by":["-revenue"],"limit":5},
    expected: {
      postgres: {
        params: ["EU"],
        sql: `
SELECT
  result."revenue" AS "revenue"
  , result."customer__region" AS "customer__region"
  , result."revenue__share" AS "revenue__share"
FROM (
  SELECT
    subq_5."revenue" AS "revenue"
    , subq_5."customer__region" AS "customer__region"
    , CASE WHEN subq_6."revenue__total" = 0 THEN NULL ELSE CAST(subq_5."revenue" AS DOUBLE PRECISION) / subq_6."revenue__total" END AS "revenue__share"
  FROM (
    SELECT
      join_1."customer__region" AS "customer__region"
      , SUM(src_3."revenue") AS "revenue"
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
      join_1."customer__region"
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7."revenue") AS "revenue__total"
    FROM (
      SELECT
        join_1."customer__region" AS "customer__region"
        , SUM(src_3."revenue") AS "revenue"
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
        join_1."customer__region"
    ) subq_7
  ) subq_6
) result
WHERE (result."customer__region" = $1)
ORDER BY "revenue" DESC
LIMIT 5`,
      },
      redshift: {
        params: ["EU"],
        sql: `
SELECT
  result."revenue" AS "revenue"
  , result."customer__region" AS "customer__region"
  , result."revenue__share" AS "revenue__share"
FROM (
  SELECT
    subq_5."revenue" AS "revenue"
    , subq_5."customer__region" AS "customer__region"
    , CASE WHEN subq_6."revenue__total" = 0 THEN NULL ELSE CAST(subq_5."revenue" AS DOUBLE PRECISION) / subq_6."revenue__total" END AS "revenue__share"
  FROM (
    SELECT
      join_1."customer__region" AS "customer__region"
      , SUM(src_3."revenue") AS "revenue"
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
      join_1."customer__region"
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7."revenue") AS "revenue__total"
    FROM (
      SELECT
        join_1."customer__region" AS "customer__region"
        , SUM(src_3."revenue") AS "revenue"
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
        join_1."customer__region"
    ) subq_7
  ) subq_6
) result
WHERE (result."customer__region" = $1)
ORDER BY "revenue" DESC
LIMIT 5`,
      },
      mysql: {
        params: ["EU"],
        sql: `
SELECT
  result.\`revenue\` AS \`revenue\`
  , result.\`customer__region\` AS \`customer__region\`
  , result.\`revenue__share\` AS \`revenue__share\`
FROM (
  SELECT
    subq_5.\`revenue\` AS \`revenue\`
    , subq_5.\`customer__region\` AS \`customer__region\`
    , CASE WHEN subq_6.\`revenue__total\` = 0 THEN NULL ELSE CAST(subq_5.\`revenue\` AS DOUBLE) / subq_6.\`revenue__total\` END AS \`revenue__share\`
  FROM (
    SELECT
      join_1.\`customer__region\` AS \`customer__region\`
      , SUM(src_3.\`revenue\`) AS \`revenue\`
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
      join_1.\`customer__region\`
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7.\`revenue\`) AS \`revenue__total\`
    FROM (
      SELECT
        join_1.\`customer__region\` AS \`customer__region\`
        , SUM(src_3.\`revenue\`) AS \`revenue\`
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
        join_1.\`customer__region\`
    ) subq_7
  ) subq_6
) result
WHERE (result.\`customer__region\` = ?)
ORDER BY result.\`revenue\` IS NULL DESC, \`revenue\` DESC
LIMIT 5`,
      },
      bigquery: {
        params: ["EU"],
        sql: `
SELECT
  result.\`revenue\` AS \`revenue\`
  , result.\`customer__region\` AS \`customer__region\`
  , result.\`revenue__share\` AS \`revenue__share\`
FROM (
  SELECT
    subq_5.\`revenue\` AS \`revenue\`
    , subq_5.\`customer__region\` AS \`customer__region\`
    , CASE WHEN subq_6.\`revenue__total\` = 0 THEN NULL ELSE CAST(subq_5.\`revenue\` AS FLOAT64) / subq_6.\`revenue__total\` END AS \`revenue__share\`
  FROM (
    SELECT
      join_1.\`customer__region\` AS \`customer__region\`
      , SUM(src_3.\`revenue\`) AS \`revenue\`
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
      join_1.\`customer__region\`
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7.\`revenue\`) AS \`revenue__total\`
    FROM (
      SELECT
        join_1.\`customer__region\` AS \`customer__region\`
        , SUM(src_3.\`revenue\`) AS \`revenue\`
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
        join_1.\`customer__region\`
    ) subq_7
  ) subq_6
) result
WHERE (result.\`customer__region\` = ?)
ORDER BY \`revenue\` DESC
LIMIT 5`,
      },
      snowflake: {
        params: ["EU"],
        sql: `
SELECT
  result."revenue" AS "revenue"
  , result."customer__region" AS "customer__region"
  , result."revenue__share" AS "revenue__share"
FROM (
  SELECT
    subq_5."revenue" AS "revenue"
    , subq_5."customer__region" AS "customer__region"
    , CASE WHEN subq_6."revenue__total" = 0 THEN NULL ELSE CAST(subq_5."revenue" AS DOUBLE) / subq_6."revenue__total" END AS "revenue__share"
  FROM (
    SELECT
      join_1."customer__region" AS "customer__region"
      , SUM(src_3."revenue") AS "revenue"
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
      join_1."customer__region"
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7."revenue") AS "revenue__total"
    FROM (
      SELECT
        join_1."customer__region" AS "customer__region"
        , SUM(src_3."revenue") AS "revenue"
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
        join_1."customer__region"
    ) subq_7
  ) subq_6
) result
WHERE (result."customer__region" = ?)
ORDER BY "revenue" DESC
LIMIT 5`,
      },
      mssql: {
        params: ["EU"],
        sql: `
SELECT
  result.[revenue] AS [revenue]
  , result.[customer__region] AS [customer__region]
  , result.[revenue__share] AS [revenue__share]
FROM (
  SELECT
    subq_5.[revenue] AS [revenue]
    , subq_5.[customer__region] AS [customer__region]
    , CASE WHEN subq_6.[revenue__total] = 0 THEN NULL ELSE CAST(subq_5.[revenue] AS FLOAT) / subq_6.[revenue__total] END AS [revenue__share]
  FROM (
    SELECT
      join_1.[customer__region] AS [customer__region]
      , SUM(src_3.[revenue]) AS [revenue]
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
      join_1.[customer__region]
  ) subq_5
  CROSS JOIN (
    SELECT
      SUM(subq_7.[revenue]) AS [revenue__total]
    FROM (
      SELECT
        join_1.[customer__region] AS [customer__region]
        , SUM(src_3.[revenue]) AS [revenue]
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
        join_1.[customer__region]
    ) subq_7
  ) subq_6
) result
WHERE (result.[customer__region] = @p1)
ORDER BY [revenue] DESC
OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY`,
      },
      clickhouse: {
        params: [],
        sql: `
SELECT
  result.\`revenue\` AS \`revenue\`
  , result.\`customer__region\` AS \`customer__region\`
  , result.\`revenue__share\` AS \`revenue__share\`
FROM (
  SELECT
    nest_1.\`__subq_5_revenue\` AS \`revenue\`
    , nest_1.\`__subq_5_customer__region\` AS \`customer__region\`
    , CASE WHEN nest_1.\`__subq_6_revenue__total\` = 0 THEN NULL ELSE CAST(nest_1.\`__subq_5_revenue\` AS Nullable(Float64)) / nest_1.\`__subq_6_revenue__total\` END AS \`revenue__share\`
  FROM (
    SELECT
      subq_5.\`revenue\` AS \`__subq_5_revenue\`
      , subq_5.\`customer__region\` AS \`__subq_5_customer__region\`
      , subq_6.\`revenue__total\` AS \`__subq_6_revenue__total\`
    FROM (
      SELECT
        nest_2.\`__join_1_customer__region\` AS \`customer__region\`
        , SUM(toNullable(nest_2.\`__src_3_revenue\`)) AS \`revenue\`
      FROM (
        SELECT
          join_1.\`customer__region\` AS \`__join_1_customer__region\`
          , src_3.\`revenue\` AS \`__src_3_revenue\`
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
      ) nest_2
      GROUP BY
        nest_2.\`__join_1_customer__region\`
    ) subq_5
    CROSS JOIN (
      SELECT
        SUM(subq_7.\`revenue\`) AS \`revenue__total\`
      FROM (
        SELECT
          nest_3.\`__join_1_customer__region\` AS \`customer__region\`
          , SUM(toNullable(nest_3.\`__src_3_revenue\`)) AS \`revenue\`
        FROM (
          SELECT
            join_1.\`customer__region\` AS \`__join_1_customer__region\`
            , src_3.\`revenue\` AS \`__src_3_revenue\`
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
        ) nest_3
        GROUP BY
          nest_3.\`__join_1_customer__region\`
      ) subq_7
    ) subq_6
  ) nest_1
) result
WHERE (result.\`customer__region\` = 'EU')
ORDER BY \`revenue\` DESC NULLS FIRST
LIMIT 5`,
      },
    },
  },
]

describe('exact SQL of compare, offset_metrics and share_of_total per dialect', () => {
  const manifest = shopManifest()
  for (const row of ROWS) {
    describe(row.name, () => {
      it('states the SQL of every dialect', () => {
        expect(DIALECT_NAMES.filter((d) => !(d in row.expected))).toEqual([])
      })
      for (const dialect of DIALECT_NAMES) {
        it(`compiles for ${dialect}`, () => {
          const compiled = compile(row.query, manifest, dialect)
          expect(compiled.sql).toBe(row.expected[dialect]!.sql.replace(/^\n/, ''))
          expect(compiled.params).toEqual(row.expected[dialect]!.params)
        })
      }
    })
  }
})
