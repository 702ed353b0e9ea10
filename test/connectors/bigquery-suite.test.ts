// The shared connector suite against the BigQuery connector, through the real
// @google-cloud/bigquery client and the local REST server. The server is not a
// SQL engine: the suite's fixture lives here as data, and each query shape the
// suite sends (see suite.ts) is answered from it with BigQuery's wire types.
// Writes are refused by the server's read-only principal model (403
// accessDenied), as for a service account with only BigQuery Data Viewer and
// Job User roles.
//
// BigQuery has one integer type, INT64, which travels as a string like every
// 64-bit integer (Postgres int8, Snowflake NUMBER(38,0)): the suite is told so
// with `integerType: 'bigint'` and expects the fixture ids, the series and the
// `i` literal as `bigint` columns with exact string values.
import net from 'node:net'
import type { ConnectorConfig } from '../../connectors/connector'
import { createBigQueryConnector } from '../../connectors/bigquery/connector'
import { BigQueryTestServer, bqError, bqResult, type BqField } from '../support/bigquery-server'
import { runConnectorSuite, type SuiteCaps, type SuiteSql } from './suite'

process.env.METADATA_SERVER_DETECTION = 'none'

const TOKEN = 'suite-access-token'
const PROJECT = 'nexatron-suite'
const SCHEMA = 'suite'
const table = (name: string) => `\`${PROJECT}.${SCHEMA}.${name}\``

const f = (name: string, type: string, mode: BqField['mode'] = 'NULLABLE'): BqField => ({ name, type, mode })
const CUSTOMERS = [f('id', 'INTEGER', 'REQUIRED'), f('name', 'STRING', 'REQUIRED')]
// A parameterized NUMERIC(12, 2) column: BigQuery reports its precision and scale in the schema.
const ORDERS = [f('id', 'INTEGER', 'REQUIRED'), f('customer_id', 'INTEGER'), { ...f('amount', 'NUMERIC', 'REQUIRED'), precision: '12', scale: '2' }, f('ordered_on', 'DATE'), f('paid', 'BOOLEAN')]
const customers = [['1', 'Ada'], ['2', 'Grace'], ['3', 'Linus']]
const orders = [
  ['10', '1', '12.50', '2024-01-15', 'true'],
  ['11', '1', '99999999.99', '2024-02-29', 'false'],
  ['12', '2', '0.01', '2023-12-31', null],
]

const TYPES_SQL = "SELECT 42 AS i, 9007199254740993 AS big, NUMERIC '12345678901234567.89' AS dec, CAST(1.5 AS FLOAT64) AS f, TRUE AS b, DATE '2024-02-29' AS d, DATETIME '2024-02-29 13:45:30' AS ts, \"O'Reilly ✓\" AS s, NULL AS n"

const sql: SuiteSql = {
  schema: SCHEMA,
  setup: [],
  teardown: [],
  table: (name) => table(name),
  types: TYPES_SQL,
  series: (n) => `SELECT n FROM UNNEST(GENERATE_ARRAY(1, ${n})) AS n ORDER BY n`,
  // BigQuery has no sleep; a large cross join stands in for a long query.
  slow: (marker) => `SELECT COUNT(*) AS n, '${marker}' AS marker FROM UNNEST(GENERATE_ARRAY(1, 100000)) AS a CROSS JOIN UNNEST(GENERATE_ARRAY(1, 100000)) AS b`,
  writes: [
    `DELETE FROM ${table('suite_orders')} WHERE TRUE`,
    `UPDATE ${table('suite_customers')} SET name = 'x' WHERE TRUE`,
    `INSERT INTO ${table('suite_customers')} (id, name) VALUES (4, 'Mallory')`,
    `DROP TABLE ${table('suite_customers')}`,
    `CREATE TABLE ${table('nx_written')} (a INT64)`,
    `BEGIN TRANSACTION; DELETE FROM ${table('suite_orders')} WHERE TRUE; COMMIT TRANSACTION`,
  ],
}

const WRITE = /^\s*(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|begin|export|load)\b/i

function fixture(server: BigQueryTestServer): void {
  server
    .on(`SELECT id, name FROM ${table('suite_customers')} ORDER BY id`, bqResult(CUSTOMERS, customers))
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id < 0`, bqResult(CUSTOMERS, []))
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id = ?`, (_, job) => bqResult(CUSTOMERS, customers.filter((c) => c[0] === job.queryParameters[0]?.parameterValue.value)))
    .on(`SELECT COUNT(*) AS c FROM ${table('suite_customers')}`, bqResult([f('c', 'INTEGER')], [[String(customers.length)]]))
    .on(`SELECT id, customer_id, amount, ordered_on, paid FROM ${table('suite_orders')} ORDER BY id`, bqResult(ORDERS, orders))
    .on('SELEC 1', bqError(400, 'invalidQuery', 'Syntax error: Expected end of input but got integer literal "1" at [1:7]'))
    .on(/suite_no_such_table/, bqError(404, 'notFound', `Not found: Table ${PROJECT}:${SCHEMA}.suite_no_such_table was not found in location US`))
    .on(TYPES_SQL, bqResult(
      [f('i', 'INTEGER'), f('big', 'INTEGER'), f('dec', 'NUMERIC'), f('f', 'FLOAT'), f('b', 'BOOLEAN'), f('d', 'DATE'), f('ts', 'DATETIME'), f('s', 'STRING'), f('n', 'INTEGER')],
      [['42', '9007199254740993', '12345678901234567.89', '1.5', 'true', '2024-02-29', '2024-02-29T13:45:30', "O'Reilly ✓", null]],
    ))
    .on(/^SELECT n FROM UNNEST\(GENERATE_ARRAY\(1, \d+\)\)/, (text) => {
      const n = Number(/GENERATE_ARRAY\(1, (\d+)\)/.exec(text)![1])
      return bqResult([f('n', 'INTEGER')], Array.from({ length: n }, (_, i) => [String(i + 1)]))
    })
    .on(/CROSS JOIN UNNEST\(GENERATE_ARRAY\(1, 100000\)\)/, { delayMs: 120_000, then: bqResult([f('n', 'INTEGER'), f('marker', 'STRING')], [['10000000000', 'x']]) })
    // Registered last so it is consulted first: the principal may not write.
    .on((text) => text.split(';').some((s) => WRITE.test(s)), bqError(403, 'accessDenied', `Access Denied: Dataset ${PROJECT}:${SCHEMA}: Permission bigquery.tables.updateData denied (or it may not exist).`))
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

let server: BigQueryTestServer
let deadPort = 0

function base(): ConnectorConfig {
  return {
    type: 'bigquery',
    config: { project_id: PROJECT, location: 'US', api_endpoint: server.url },
    credentials: { access_token: TOKEN },
  }
}

const caps: SuiteCaps = {
  integerType: 'bigint',
  version: /^BigQuery API v2$/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { credentials: { access_token: 'expired-or-wrong-token' } },
  get unreachable() {
    return { config: { api_endpoint: `http://127.0.0.1:${deadPort}` } }
  },
  serverSideCancel: true,
  param: { sql: `SELECT id, name FROM ${table('suite_customers')} WHERE id = ?`, params: [2], row: ['2', 'Grace'] },
}

runConnectorSuite('bigquery (REST test server)', async () => {
  server = await new BigQueryTestServer({
    projectId: PROJECT,
    tokens: [TOKEN],
    catalog: [
      { dataset: SCHEMA, name: 'suite_customers', columns: [{ name: 'id', dataType: 'INT64', nullable: false }, { name: 'name', dataType: 'STRING', nullable: false }], primaryKey: ['id'] },
      {
        dataset: SCHEMA,
        name: 'suite_orders',
        columns: [
          { name: 'id', dataType: 'INT64', nullable: false },
          { name: 'customer_id', dataType: 'INT64' },
          { name: 'amount', dataType: 'NUMERIC(12, 2)', nullable: false },
          { name: 'ordered_on', dataType: 'DATE' },
          { name: 'paid', dataType: 'BOOL' },
        ],
        primaryKey: ['id'],
        foreignKeys: [{ columns: ['customer_id'], references: { dataset: SCHEMA, table: 'suite_customers', columns: ['id'] } }],
      },
      { dataset: 'other', name: 'not_in_suite', columns: [{ name: 'x', dataType: 'STRING' }] },
    ],
  }).start()
  fixture(server)
  deadPort = await closedPort()
  return {
    connector: createBigQueryConnector(base()),
    make: (change) => {
      const b = base()
      return createBigQueryConnector({ ...b, config: { ...b.config, ...change.config }, credentials: { ...b.credentials, ...change.credentials }, options: change.options })
    },
    admin: async () => {},
    sql,
    running: async (marker) => server.jobs.filter((j) => j.state === 'RUNNING' && j.sql.includes(marker)).length,
    teardown: () => server.stop(),
  }
}, caps)
