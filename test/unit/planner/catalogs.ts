// Hand-built catalogs shaped like buildCatalog's output, so planner tests do
// not depend on the MetricFlow importer.
import type { Catalog, CatalogDimension, CatalogMetric } from '../../../semantic/types'

const RETAIL_DIMS: CatalogDimension[] = [
  { name: 'metric_time', type: 'time', grain: 'day', label: 'Metric time' },
  { name: 'order_item__ordered_at', type: 'time', grain: 'day', label: 'Order date' },
  { name: 'order__ordered_at', type: 'time', grain: 'day', label: 'Order date' },
  { name: 'customer__signed_up_at', type: 'time', grain: 'day', label: 'Signup date' },
  { name: 'order__channel', type: 'categorical', label: 'Sales channel', synonyms: ['sales channel'], description: 'Where the order was placed (in store or online).', sample_values: ['Online', 'In store'] },
  { name: 'order__status', type: 'categorical', label: 'Order status', sample_values: ['Completed', 'Returned', 'Cancelled'] },
  { name: 'product__product_name', type: 'categorical', label: 'Product', synonyms: ['product', 'item', 'sku'], description: 'Name of the product.', sample_values: ['Noise-Cancelling Headphones', 'Wireless Earbuds', '4K Smart TV 55"', 'Bluetooth Speaker', 'Tablet 10"', 'Smartwatch', 'Espresso Machine', "Chef's Knife", 'Air Fryer', 'Ground Coffee 1kg', 'Denim Jacket', 'Rain Jacket', 'Running Shoes', 'Yoga Mat', 'Plush Bear'] },
  { name: 'product__category', type: 'categorical', label: 'Category', synonyms: ['product category', 'department'], description: 'Product category such as Electronics or Grocery.', sample_values: ['Electronics', 'Home & Kitchen', 'Grocery', 'Apparel', 'Sports & Outdoors', 'Beauty', 'Toys'] },
  { name: 'product__brand', type: 'categorical', label: 'Brand', sample_values: ['Sonora', 'Vistra', 'Apex', 'Voltix', 'Casa Bella', 'Northline', 'Stride', 'Trailhead'] },
  { name: 'store__store_name', type: 'categorical', label: 'Store', synonyms: ['store', 'shop', 'location', 'branch'], description: 'Name of the store.', sample_values: ['Los Angeles Downtown', 'San Francisco Union Square', 'Seattle Pike Place', 'Chicago Loop', 'Austin Congress Avenue', 'Houston Galleria', 'New York Fifth Avenue', 'Boston Back Bay'] },
  { name: 'store__city', type: 'categorical', label: 'City', sample_values: ['Los Angeles', 'San Francisco', 'Seattle', 'Chicago', 'Austin', 'Houston', 'New York', 'Boston'] },
  { name: 'store__state', type: 'categorical', label: 'State', synonyms: ['us state'], sample_values: ['CA', 'WA', 'IL', 'TX', 'NY', 'MA', 'FL'] },
  { name: 'store__region', type: 'categorical', label: 'Region', synonyms: ['territory', 'area'], description: 'Sales region of the store (West, Midwest, South, Northeast).', sample_values: ['West', 'Midwest', 'South', 'Northeast'] },
  { name: 'customer__segment', type: 'categorical', label: 'Customer segment', synonyms: ['customer segment', 'customer type'], description: 'Consumer, Small Business or Corporate.', sample_values: ['Consumer', 'Small Business', 'Corporate'] },
  { name: 'order_item', type: 'entity' },
  { name: 'order', type: 'entity' },
  { name: 'product', type: 'entity' },
  { name: 'store', type: 'entity' },
  { name: 'customer', type: 'entity' },
]

const ITEM_DIMS = ['metric_time', 'order_item__ordered_at', 'order__ordered_at', 'customer__signed_up_at', 'order__channel', 'order__status', 'product__product_name', 'product__category', 'product__brand', 'store__store_name', 'store__city', 'store__state', 'store__region', 'customer__segment', 'order_item', 'order', 'product', 'store', 'customer']
const ORDER_DIMS = ['metric_time', 'order__ordered_at', 'customer__signed_up_at', 'order__channel', 'order__status', 'store__store_name', 'store__city', 'store__state', 'store__region', 'customer__segment', 'order', 'store', 'customer']

const RETAIL_METRICS: CatalogMetric[] = [
  { name: 'total_sales', type: 'simple', label: 'Total sales', description: 'Revenue from all order lines, in US dollars.', synonyms: ['sales', 'revenue', 'turnover', 'gross sales', 'sales amount'], format: { type: 'currency', currency: 'USD', decimals: 2 }, dimensions: ITEM_DIMS },
  { name: 'order_count', type: 'simple', label: 'Orders', description: 'Number of orders placed.', synonyms: ['orders', 'number of orders', 'order volume', 'transactions'], format: { type: 'number', decimals: 0 }, dimensions: ORDER_DIMS },
  { name: 'average_order_value', type: 'ratio', label: 'Average order value', description: 'Total sales divided by the number of orders.', synonyms: ['aov', 'average basket', 'average basket size', 'average order size', 'average sale'], format: { type: 'currency', currency: 'USD', decimals: 2 }, dimensions: ORDER_DIMS },
  { name: 'customers', type: 'simple', label: 'Customers', description: 'Distinct customers who placed at least one order.', synonyms: ['customer count', 'buyers', 'shoppers', 'unique customers', 'active customers'], format: { type: 'number', decimals: 0 }, dimensions: ORDER_DIMS },
  { name: 'units_sold', type: 'simple', label: 'Units sold', description: 'Number of product units sold.', synonyms: ['units', 'quantity', 'items sold', 'volume'], format: { type: 'number', decimals: 0 }, dimensions: ITEM_DIMS },
]

export function retailCatalog(): Catalog {
  return structuredClone({ metrics: RETAIL_METRICS, dimensions: RETAIL_DIMS })
}

const BOOKING_DIMS: CatalogDimension[] = [
  { name: 'metric_time', type: 'time', grain: 'day' },
  { name: 'booking__ds', type: 'time', grain: 'day' },
  { name: 'booking__paid_at', type: 'time', grain: 'day' },
  { name: 'booking__is_instant', type: 'categorical', value_type: 'boolean', sample_values: [true, false] },
  { name: 'listing__country_latest', type: 'categorical', sample_values: ['us', "cote d'ivoire", 'ca'] },
  { name: 'listing__capacity_latest', type: 'categorical', value_type: 'number', sample_values: [1, 2, 3, 4, 5] },
  { name: 'listing__is_lux_latest', type: 'categorical', value_type: 'boolean', sample_values: [true, false] },
  { name: 'listing__user__home_state_latest', type: 'categorical', sample_values: ['CA', 'NY', 'TX'] },
  { name: 'listing', type: 'entity' },
  { name: 'guest', type: 'entity' },
  { name: 'host', type: 'entity' },
  { name: 'user__home_state', type: 'categorical', sample_values: ['CA', 'NY', 'TX'] },
  { name: 'user__home_state_latest', type: 'categorical', sample_values: ['CA', 'NY', 'TX'] },
  { name: 'user', type: 'entity' },
]
const BOOKING_METRIC_DIMS = ['metric_time', 'booking__ds', 'booking__paid_at', 'booking__is_instant', 'listing__country_latest', 'listing__capacity_latest', 'listing__is_lux_latest', 'listing__user__home_state_latest', 'listing', 'guest', 'host']
const LISTING_METRIC_DIMS = ['metric_time', 'listing__country_latest', 'listing__capacity_latest', 'listing__is_lux_latest', 'listing', 'user', 'user__home_state', 'user__home_state_latest']

export function bookingsCatalog(): Catalog {
  const m = (name: string, dims: string[], description?: string, type: CatalogMetric['type'] = 'simple'): CatalogMetric => ({ name, type, description, dimensions: dims })
  return structuredClone({
    metrics: [
      m('bookings', BOOKING_METRIC_DIMS, 'bookings metric'),
      m('instant_bookings', BOOKING_METRIC_DIMS, 'instant bookings'),
      m('booking_value', BOOKING_METRIC_DIMS, 'booking value'),
      m('average_booking_value', BOOKING_METRIC_DIMS, 'average booking value metric'),
      m('max_booking_value', BOOKING_METRIC_DIMS, 'max booking value'),
      m('bookers', BOOKING_METRIC_DIMS, 'bookers'),
      m('bookings_fill_nulls_with_0', BOOKING_METRIC_DIMS, 'simple metric filling nulls with 0 and joining to time spine'),
      m('bookings_per_booker', BOOKING_METRIC_DIMS, 'bookings divided by bookers', 'ratio'),
      m('listings', LISTING_METRIC_DIMS, 'listings'),
      m('lux_listings', LISTING_METRIC_DIMS, 'lux_listings'),
      m('views', ['metric_time', 'listing', 'listing__country_latest', 'user'], 'views'),
    ],
    dimensions: BOOKING_DIMS,
  })
}

export const CLOCK = { now: new Date('2024-06-15T15:00:00Z'), timezone: 'America/New_York' }
