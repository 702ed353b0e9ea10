// Where dbt MetricFlow's integration-test data lives: vendored in
// test/fixtures/metricflow (Apache-2.0, see its LICENSE and SOURCE_COMMIT),
// overridable with METRICFLOW_SUITE_DIR.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const METRICFLOW_SUITE_DIR = process.env.METRICFLOW_SUITE_DIR
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/metricflow')
