// The embedded demo warehouse: a PGlite database holding the retail dataset.
// It is rebuilt in memory at start (a few seconds) so its three years always
// end today and "last quarter" has data.
import { PGlite } from '@electric-sql/pglite'
import { generateDemoDataset, type DemoDataset } from './dataset'
import { createSeededPglite } from '../store/cluster-seed'
import { DEMO_DDL } from './ddl'


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
 * in the server's resident memory; 16 MB holds all of it. PGlite's files,
 * temporary ones included, live in the server's memory: a query spilling a
 * grouping or sort of wide values (a tenant admin's dimension expression) grew
 * the process by gigabytes until the kernel killed it, so each query may write
 * at most 128 MB of them (no demo question needs any).
 */
export const DEMO_PGLITE_OPTIONS = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'temp_file_limit=128MB'] }

/** Creates an in-memory demo warehouse with data ending on `today`. */
export async function createDemoWarehouse(today: Date = new Date()): Promise<PGlite> {
  const db = await createSeededPglite(DEMO_PGLITE_OPTIONS)
  await loadDemoDataset(db, generateDemoDataset(today))
  return db
}
