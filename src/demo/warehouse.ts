// The embedded demo warehouse: a PGlite database holding the retail dataset.
// It is rebuilt in memory at start (a few seconds) so its three years always
// end today and "last quarter" has data.
import { PGlite } from '@electric-sql/pglite'
import { generateDemoDataset, type DemoDataset } from './dataset'
import { createSeededPglite } from '../store/cluster-seed'

export const DEMO_DDL = `
CREATE SCHEMA IF NOT EXISTS retail;
CREATE TABLE retail.stores (
  store_id integer PRIMARY KEY, store_name text NOT NULL, city text NOT NULL, state text NOT NULL, region text NOT NULL);
CREATE TABLE retail.products (
  product_id integer PRIMARY KEY, product_name text NOT NULL, category text NOT NULL, brand text NOT NULL, list_price numeric(10,2) NOT NULL);
CREATE TABLE retail.customers (
  customer_id integer PRIMARY KEY, customer_name text NOT NULL, segment text NOT NULL, signed_up_at date NOT NULL);
CREATE TABLE retail.orders (
  order_id integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES retail.customers(customer_id),
  store_id integer NOT NULL REFERENCES retail.stores(store_id),
  ordered_at date NOT NULL, channel text NOT NULL, status text NOT NULL);
CREATE TABLE retail.order_items (
  order_item_id integer PRIMARY KEY,
  order_id integer NOT NULL REFERENCES retail.orders(order_id),
  product_id integer NOT NULL REFERENCES retail.products(product_id),
  store_id integer NOT NULL REFERENCES retail.stores(store_id),
  customer_id integer NOT NULL REFERENCES retail.customers(customer_id),
  ordered_at date NOT NULL, quantity integer NOT NULL, unit_price numeric(10,2) NOT NULL, amount numeric(12,2) NOT NULL);
CREATE TABLE retail.time_spine (date_day date PRIMARY KEY);
CREATE INDEX order_items_ordered_at ON retail.order_items (ordered_at);
CREATE INDEX orders_ordered_at ON retail.orders (ordered_at);
`

/** One CSV field: strings quoted (names may hold commas or quotes), numbers as JavaScript writes them. */
const csvField = (v: unknown) => (typeof v === 'string' ? `"${v.replace(/"/g, '""')}"` : String(v))

async function insertRows(db: PGlite, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  // COPY from an in-memory blob rather than multi-row INSERTs: the same rows in
  // the same order (the data's hash is unchanged), for about a third less CPU,
  // which a first start waits for.
  const csv = rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n'
  await db.query(`COPY ${table} (${columns.join(',')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) })
}

export async function loadDemoDataset(db: PGlite, data: DemoDataset): Promise<void> {
  await db.exec(DEMO_DDL)
  await insertRows(db, 'retail.stores', ['store_id', 'store_name', 'city', 'state', 'region'], data.stores)
  await insertRows(db, 'retail.products', ['product_id', 'product_name', 'category', 'brand', 'list_price'], data.products)
  await insertRows(db, 'retail.customers', ['customer_id', 'customer_name', 'segment', 'signed_up_at'], data.customers)
  await insertRows(db, 'retail.orders', ['order_id', 'customer_id', 'store_id', 'ordered_at', 'channel', 'status'], data.orders)
  await insertRows(db, 'retail.order_items',
    ['order_item_id', 'order_id', 'product_id', 'store_id', 'customer_id', 'ordered_at', 'quantity', 'unit_price', 'amount'], data.orderItems)
  // The spine covers the data plus a year either side for cumulative/offset metrics.
  await db.query(
    `INSERT INTO retail.time_spine SELECT d::date FROM generate_series($1::date - 366, $2::date + 366, interval '1 day') AS d`,
    [data.firstDay, data.lastDay],
  )
  await db.exec('ANALYZE')
}

/**
 * PGlite settings of the demo warehouse: Postgres' default 128 MB of shared
 * buffers would be mostly empty for a dataset of a few megabytes, yet counted
 * in the server's resident memory; 16 MB holds all of it.
 */
export const DEMO_PGLITE_OPTIONS = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] }

/** Creates an in-memory demo warehouse with data ending on `today`. */
export async function createDemoWarehouse(today: Date = new Date()): Promise<PGlite> {
  const db = await createSeededPglite(DEMO_PGLITE_OPTIONS)
  await loadDemoDataset(db, generateDemoDataset(today))
  return db
}
