// The shared connector suite against the SQL Server connector, through the
// real mssql/tedious driver and the local TDS server. The server is not a SQL
// engine: the suite's fixture lives here as data, and each query shape the
// suite sends (see suite.ts) is answered from it with SQL Server's wire types.
// Writes are refused by the server's db_datareader login model (229/262).
import net from 'node:net'
import type { ConnectorConfig } from '../../connectors/connector'
import { createMssqlConnector } from '../../connectors/mssql/connector'
import { TdsTestServer, type TdsColumn } from '../support/tds-server'
import { runConnectorSuite, type SuiteSql } from './suite'

const PASSWORD = 'Suite-Passw0rd!'
const SCHEMA = 'suite'
const table = (name: string) => `[${SCHEMA}].[${name}]`

const CUSTOMERS: TdsColumn[] = [{ name: 'id', type: 'int', nullable: false }, { name: 'name', type: 'nvarchar', nullable: false }]
const ORDERS: TdsColumn[] = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'customer_id', type: 'int' },
  { name: 'amount', type: 'decimal', precision: 12, scale: 2, nullable: false },
  { name: 'ordered_on', type: 'date' },
  { name: 'paid', type: 'bit' },
]
const customers = [[1, 'Ada'], [2, 'Grace'], [3, 'Linus']]
const orders = [
  [10, 1, '12.50', '2024-01-15', true],
  [11, 1, '99999999.99', '2024-02-29', false],
  [12, 2, '0.01', '2023-12-31', null],
]

const TYPES_SQL = "SELECT CAST(42 AS int) AS i, CAST(9007199254740993 AS bigint) AS big, CAST(12345678901234567.89 AS decimal(38,2)) AS dec, CAST(1.5 AS float) AS f, CAST(1 AS bit) AS b, CAST('2024-02-29' AS date) AS d, CAST('2024-02-29T13:45:30' AS datetime2(0)) AS ts, N'O''Reilly ✓' AS s, NULL AS n"

const sql: SuiteSql = {
  schema: SCHEMA,
  setup: [],
  teardown: [],
  table: (name) => table(name),
  types: TYPES_SQL,
  series: (n) => `SELECT TOP (${n}) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS int) AS n FROM sys.all_objects AS a CROSS JOIN sys.all_objects AS b ORDER BY n`,
  slow: (marker) => `/* ${marker} */ WAITFOR DELAY '00:01:00'`,
  writes: [
    `DELETE FROM ${table('suite_orders')}`,
    `UPDATE ${table('suite_customers')} SET name = N'x'`,
    `INSERT INTO ${table('suite_customers')} (id, name) VALUES (4, N'Mallory')`,
    `DROP TABLE ${table('suite_customers')}`,
    `CREATE TABLE ${table('nx_written')} (a int)`,
    `COMMIT; DELETE FROM ${table('suite_orders')}`,
  ],
}

function fixture(server: TdsTestServer): void {
  server
    .on(`SELECT id, name FROM ${table('suite_customers')} ORDER BY id`, { columns: CUSTOMERS, rows: customers })
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id < 0`, { columns: CUSTOMERS, rows: [] })
    .on(`SELECT id, name FROM ${table('suite_customers')} WHERE id = @p1`, (_, rec) => ({ columns: CUSTOMERS, rows: customers.filter((c) => c[0] === rec.params.p1?.value) }))
    .on(`SELECT COUNT(*) AS c FROM ${table('suite_customers')}`, { columns: [{ name: 'c', type: 'int' }], rows: [[customers.length]] })
    .on(`SELECT id, customer_id, amount, ordered_on, paid FROM ${table('suite_orders')} ORDER BY id`, { columns: ORDERS, rows: orders })
    .on('SELEC 1', { number: 102, state: 1, class: 15, message: "Incorrect syntax near '1'." })
    .on(TYPES_SQL, {
      columns: [
        { name: 'i', type: 'int' }, { name: 'big', type: 'bigint' }, { name: 'dec', type: 'decimal', precision: 38, scale: 2 }, { name: 'f', type: 'float' },
        { name: 'b', type: 'bit' }, { name: 'd', type: 'date' }, { name: 'ts', type: 'datetime2', scale: 0 }, { name: 's', type: 'nvarchar' }, { name: 'n', type: 'int' },
      ],
      rows: [[42, '9007199254740993', '12345678901234567.89', 1.5, true, '2024-02-29', '2024-02-29T13:45:30Z', "O'Reilly ✓", null]],
    })
    .on(/^SELECT TOP \(\d+\) CAST\(ROW_NUMBER\(\)/, (text) => {
      const n = Number(/TOP \((\d+)\)/.exec(text)![1])
      return { columns: [{ name: 'n', type: 'int' }], rows: Array.from({ length: n }, (_, i) => [i + 1]) }
    })
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

let server: TdsTestServer
let deadPort = 0

function base(): ConnectorConfig {
  return {
    type: 'mssql',
    config: { host: '127.0.0.1', port: server.port, database: 'analytics', encrypt: false },
    credentials: { username: 'nexatron_reader', password: PASSWORD },
  }
}

runConnectorSuite('mssql (TDS test server)', async () => {
  server = await new TdsTestServer({
    users: { nexatron_reader: PASSWORD },
    catalog: [
      { schema: SCHEMA, name: 'suite_customers', columns: [{ name: 'id', dataType: 'int', nullable: false }, { name: 'name', dataType: 'nvarchar', maxLength: 100, nullable: false }], primaryKey: ['id'] },
      {
        schema: SCHEMA,
        name: 'suite_orders',
        columns: [
          { name: 'id', dataType: 'int', nullable: false },
          { name: 'customer_id', dataType: 'int' },
          { name: 'amount', dataType: 'decimal', precision: 12, scale: 2, nullable: false },
          { name: 'ordered_on', dataType: 'date' },
          { name: 'paid', dataType: 'bit' },
        ],
        primaryKey: ['id'],
        foreignKeys: [{ name: 'fk_suite_orders_customers', columns: ['customer_id'], references: { schema: SCHEMA, table: 'suite_customers', columns: ['id'] } }],
      },
      { schema: 'other', name: 'not_in_suite', columns: [{ name: 'x', dataType: 'nvarchar' }] },
    ],
  }).start()
  fixture(server)
  deadPort = await closedPort()
  return {
    connector: createMssqlConnector(base()),
    make: (change) => {
      const b = base()
      return createMssqlConnector({ ...b, config: { ...b.config, ...change.config }, credentials: { ...b.credentials, ...change.credentials }, options: change.options })
    },
    admin: async () => {},
    sql,
    running: async (marker) => server.runningRequests().filter((r) => r.sql.includes(marker)).length,
    teardown: () => server.stop(),
  }
}, {
  version: /^Microsoft SQL Server \d{4}/,
  // tedious decodes DECIMAL into a JS double (it has no exact mode), so a
  // value with more than 15 significant digits loses its last digits; the
  // connector formats it to the column's scale. Documented in the README.
  typeOverrides: { dec: { type: 'decimal', value: '12345678901234568.00' } },
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { credentials: { password: 'not-the-password' } },
  get unreachable() {
    return { config: { port: deadPort } }
  },
  serverSideCancel: true,
  param: { sql: `SELECT id, name FROM ${table('suite_customers')} WHERE id = @p1`, params: [2], row: [2, 'Grace'] },
})
