// The demo warehouse's tables, apart from the PGlite code that loads them: the
// demo cache keys its files on this text, and the server reads that key at
// start without loading PGlite (a server on PostgreSQL with the demo off never does).
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
