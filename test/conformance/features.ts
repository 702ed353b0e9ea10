// `required_features` of the cases, and which engines genuinely lack them.
// This table, not the dialect's capability flags, decides "not applicable":
// a compiler that claims it cannot do something the engine can do must show
// up as a failure, not be excused. Keep README.md's table in sync.
import type { EngineName } from './engines/engine'

export const REQUIRED_FEATURES = [
  'CONTINUOUS_PERCENTILE_AGGREGATION',
  'DISCRETE_PERCENTILE_AGGREGATION',
  'APPROXIMATE_CONTINUOUS_PERCENTILE_AGGREGATION',
  'APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION',
] as const
export type RequiredFeature = (typeof REQUIRED_FEATURES)[number]

const PG_NO_APPROX = 'PostgreSQL has no approximate percentile aggregate'

/** Per engine: the features it lacks, with the reason shown as "not applicable". */
export const ENGINE_LACKS: Record<EngineName, Partial<Record<RequiredFeature, string>>> = {
  pglite: {
    APPROXIMATE_CONTINUOUS_PERCENTILE_AGGREGATION: PG_NO_APPROX,
    APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION: PG_NO_APPROX,
  },
  postgres: {
    APPROXIMATE_CONTINUOUS_PERCENTILE_AGGREGATION: PG_NO_APPROX,
    APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION: PG_NO_APPROX,
  },
  mariadb: {
    CONTINUOUS_PERCENTILE_AGGREGATION: 'MariaDB has PERCENTILE_CONT only as a window function, not as an aggregate',
    DISCRETE_PERCENTILE_AGGREGATION: 'MariaDB has PERCENTILE_DISC only as a window function, not as an aggregate',
    APPROXIMATE_CONTINUOUS_PERCENTILE_AGGREGATION: 'MariaDB has no approximate percentile aggregate',
    APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION: 'MariaDB has no approximate percentile aggregate',
  },
  clickhouse: {
    CONTINUOUS_PERCENTILE_AGGREGATION: 'ClickHouse 18.16 has no exact interpolating quantile aggregate (quantileExactInclusive came in 20.x)',
    DISCRETE_PERCENTILE_AGGREGATION: "ClickHouse 18.16's quantileExact picks element floor(n*p), not PERCENTILE_DISC's ceil(n*p)",
    APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION: 'ClickHouse has no approximate discrete quantile aggregate',
  },
}

export function isRequiredFeature(s: string): s is RequiredFeature {
  return (REQUIRED_FEATURES as readonly string[]).includes(s)
}

/**
 * The reasons an engine cannot run a case, or [] when it can. Throws on an
 * unknown feature name: the harness must learn about it, not guess.
 */
export function missingFeatures(engine: EngineName, required: string[]): string[] {
  const out: string[] = []
  for (const f of required) {
    if (!isRequiredFeature(f)) throw new Error(`unknown required feature '${f}'`)
    const why = ENGINE_LACKS[engine][f]
    if (why) out.push(`${f}: ${why}`)
  }
  return out
}
