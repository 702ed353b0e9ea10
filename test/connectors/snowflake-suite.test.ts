// The shared connector suite against the Snowflake connector, through the real
// snowflake-sdk and the local protocol server. The server is not a SQL engine:
// the suite's fixture lives here as data, and each query shape the suite sends
// (see suite.ts) is answered from it with the wire types Snowflake would use.
// Writes are refused by the server's SELECT-only role model (003001), and
// `COMMIT; DELETE ...` by Snowflake's own MULTI_STATEMENT_COUNT check (000008),
// which is the parameter the connector sends.
import net from 'node:net'
import { createSnowflakeConnector } from '../../connectors/snowflake/connector'
import type { ConnectorConfig } from '../../connectors/connector'
import { SnowflakeTestServer, result, sfError, type SfColumn } from '../support/snowflake-server'
import { runConnectorSuite, type SuiteSql } from './suite'

const PASSWORD = 'suite-Passw0rd'
const SCHEMA = 'suite'
const table = (name: string) => `"${SCHEMA}"."${name}"`

// Snowflake resolves unquoted names to upper case; the fixture's lower-case
// names are what the suite compares, and the protocol server answers with them.
const CUSTOMERS: SfColumn[] = [{ name: 'id', type: 'fixed', precision: 9, scale: 0, nullable: false }, { name: 'name', type: 'text', nullable: false }]
const ORDERS: SfColumn[] = [
  { name: 'id', type: 'fixed', precision: 9, scale: 0, nullable: false },
  { name: 'customer_id', type: 'fixed', precision: 9, scale: 0 },
  { name: 'amount', type: 'fixed', precision: 12, scale: 2, nullable: false },
  { name: 'ordered_on', type: 'date' },
  { name: 'paid', type: 'boolean' },
]
const days = (iso: string) => String(Date.parse(`${iso}T00:00:00Z`) / 86_400_000)
const customers = [['1', 'Ada'], ['2', 'Grace'], ['3', 'Linus']]
const orders = [
  ['10', '1', '12.50', days('2024-01-15'), '1'],
  ['11', '1', '99999999.99', days('2024-02-29'), '0'],
  ['12', '2', '0.01', days('2023-12-31'), null],
]

const TYPES_SQL = `SELECT 42::NUMBER(9,0) AS "i", 9007199254740993::NUMBER(38,0) AS "big", 12345678901234567.89::NUMBER(38,2) AS "dec", 1.5::FLOAT AS "f", TRUE AS "b", '2024-02-29'::DATE AS "d", '2024-02-29 13:45:30'::TIMESTAMP_NTZ AS "ts", 'O''Reilly ✓' AS "s", NULL AS "n"`

const sql: SuiteSql = {
  schema: SCHEMA,
  setup: [],
  teardown: [],
  table: (name) => table(name),
  types: TYPES_SQL,
  series: (n) => `SELECT (SEQ4() + 1)::NUMBER(9,0) AS "n" FROM TABLE(GENERATOR(ROWCOUNT => ${n})) ORDER BY "n"`,
  slow: (marker) => `SELECT SYSTEM$WAIT(60) AS "waited", '${marker}' AS "marker"`,
  writes: [
    `DELETE FROM ${table('suite_orders')}`,
    `UPDATE ${table('suite_customers')} SET name = 'x'`,
    `INSERT INTO ${table('suite_customers')} (id, name) VALUES (4, 'Mallory')`,
    `DROP TABLE ${table('suite_customers')}`,
    `CREATE TABLE ${table('nx_written')} (a INT)`,
    `COMMIT; DELETE FROM ${table('suite_orders')}`,
  ],
}

function fixture(server: SnowflakeTestServer): void {
  server
    .on(`SELECT id, name FROM ${table('suite_customers')} ORDER BY id`, result(CUSTOMERS, customers))
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id < 0`, result(CUSTOMERS, []))
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id = ?`, (ctx) => result(CUSTOMERS, customers.filter((c) => c[0] === ctx.binds[0])))
    .on(`SELECT COUNT(*) AS c FROM ${table('suite_customers')}`, result([{ name: 'C', type: 'fixed', precision: 18, scale: 0, nullable: false }], [[String(customers.length)]]))
    .on(`SELECT id, customer_id, amount, ordered_on, paid FROM ${table('suite_orders')} ORDER BY id`, result(ORDERS, orders))
    .on('SELEC 1', sfError('001003', "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.", '42000'))
    .on(TYPES_SQL, result(
      [
        { name: 'i', type: 'fixed', precision: 9, scale: 0 }, { name: 'big', type: 'fixed', precision: 38, scale: 0 }, { name: 'dec', type: 'fixed', precision: 38, scale: 2 },
        { name: 'f', type: 'real' }, { name: 'b', type: 'boolean' }, { name: 'd', type: 'date' }, { name: 'ts', type: 'timestamp_ntz', scale: 9 }, { name: 's', type: 'text' }, { name: 'n', type: 'text' },
      ],
      [['42', '9007199254740993', '12345678901234567.89', '1.5', '1', days('2024-02-29'), String(Date.parse('2024-02-29T13:45:30Z') / 1000) + '.000000000', "O'Reilly ✓", null]],
    ))
    .on(/TABLE\(GENERATOR\(ROWCOUNT => \d+\)\)/, (ctx) => {
      const n = Number(/ROWCOUNT => (\d+)/.exec(ctx.sql)![1])
      return result([{ name: 'n', type: 'fixed', precision: 9, scale: 0 }], Array.from({ length: n }, (_, i) => [String(i + 1)]))
    })
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

let server: SnowflakeTestServer
let deadPort = 0

function base(): ConnectorConfig {
  return {
    type: 'snowflake',
    config: { account: 'acme-suite', database: 'ANALYTICS', warehouse: 'SUITE_WH', role: 'NEXATRON_READER', access_url: server.url },
    credentials: { username: 'nexatron', password: PASSWORD },
  }
}

runConnectorSuite('snowflake (protocol test server)', async () => {
  server = await new SnowflakeTestServer({
    users: { nexatron: PASSWORD },
    chunkRows: 1000,
    catalog: {
      database: 'ANALYTICS',
      tables: [
        { schema: SCHEMA, name: 'suite_customers', columns: [{ name: 'id', dataType: 'NUMBER', precision: 9, scale: 0, nullable: false }, { name: 'name', dataType: 'TEXT', nullable: false }], primaryKey: ['id'] },
        {
          schema: SCHEMA,
          name: 'suite_orders',
          columns: [
            { name: 'id', dataType: 'NUMBER', precision: 9, scale: 0, nullable: false },
            { name: 'customer_id', dataType: 'NUMBER', precision: 9, scale: 0 },
            { name: 'amount', dataType: 'NUMBER', precision: 12, scale: 2, nullable: false },
            { name: 'ordered_on', dataType: 'DATE' },
            { name: 'paid', dataType: 'BOOLEAN' },
          ],
          primaryKey: ['id'],
          foreignKeys: [{ columns: ['customer_id'], references: { schema: SCHEMA, table: 'suite_customers', columns: ['id'] } }],
        },
        { schema: 'other', name: 'not_in_suite', columns: [{ name: 'x', dataType: 'TEXT' }] },
      ],
    },
  }).start()
  fixture(server)
  deadPort = await closedPort()
  return {
    connector: createSnowflakeConnector(base()),
    make: (change) => {
      const b = base()
      return createSnowflakeConnector({ ...b, config: { ...b.config, ...change.config }, credentials: { ...b.credentials, ...change.credentials }, options: change.options })
    },
    admin: async () => {},
    sql,
    running: async (marker) => server.queries.filter((q) => q.status === 'running' && q.sql.includes(marker)).length,
    teardown: () => server.stop(),
  }
}, {
  version: /^Snowflake \d+\.\d+\.\d+$/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { credentials: { password: 'not-the-password' } },
  get unreachable() {
    return { config: { access_url: `http://127.0.0.1:${deadPort}` } }
  },
  serverSideCancel: true,
  param: { sql: `SELECT id, name FROM ${table('suite_customers')} WHERE id = ?`, params: [2], row: [2, 'Grace'] },
})
