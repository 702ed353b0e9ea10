// Catalogs and contexts shared by the LLM planner tests.
import type { Catalog, CatalogDimension, CatalogMetric } from '../../../semantic/types'
import type { PlannerContext } from '../../../src/planner/planner'

const RETAIL_DIMS = ['metric_time', 'order__ordered_at', 'store__region', 'store__state', 'store__store_name', 'product__category', 'order__is_online']

export function retailCatalog(): Catalog {
  const metrics: CatalogMetric[] = [
    { name: 'total_sales', type: 'simple', label: 'Total sales', description: 'Revenue from all order lines, in US dollars.', synonyms: ['sales', 'revenue', 'turnover'], format: { type: 'currency', currency: 'USD', decimals: 2 }, dimensions: RETAIL_DIMS },
    { name: 'order_count', type: 'simple', label: 'Orders', description: 'Number of orders placed.', synonyms: ['orders', 'transactions'], format: { type: 'number', decimals: 0 }, dimensions: RETAIL_DIMS },
    { name: 'average_order_value', type: 'ratio', label: 'Average order value', description: 'Total sales divided by the number of orders.', synonyms: ['aov', 'average basket'], format: { type: 'currency', currency: 'USD' }, dimensions: RETAIL_DIMS },
    { name: 'customers', type: 'simple', label: 'Customers', description: 'Distinct customers who placed at least one order.', synonyms: ['buyers', 'shoppers'], dimensions: RETAIL_DIMS },
    // Reachable only through its own model: not groupable by product.
    { name: 'store_headcount', type: 'simple', label: 'Store headcount', description: 'Employees working in the store.', synonyms: ['staff', 'employees'], dimensions: ['metric_time', 'store__region', 'store__state', 'store__store_name'] },
  ]
  const dimensions: CatalogDimension[] = [
    { name: 'metric_time', type: 'time', grain: 'day', label: 'Time', description: 'The time of the metric (order date).' },
    { name: 'order__ordered_at', type: 'time', grain: 'day', label: 'Order date' },
    { name: 'store__region', type: 'categorical', label: 'Region', description: 'Sales region of the store.', synonyms: ['territory', 'area'], value_type: 'string', sample_values: ['West', 'Midwest', 'South', 'Northeast'] },
    { name: 'store__state', type: 'categorical', label: 'State', synonyms: ['us state'], value_type: 'string', sample_values: ['California', 'Texas', 'New York', 'Illinois'] },
    { name: 'store__store_name', type: 'categorical', label: 'Store', synonyms: ['shop', 'branch'], value_type: 'string', sample_values: ['Austin Downtown', 'Chicago Loop', 'San Francisco Market'] },
    { name: 'product__category', type: 'categorical', label: 'Category', description: 'Product category.', value_type: 'string', sample_values: ['Electronics', 'Garden', 'Toys'] },
    { name: 'order__is_online', type: 'categorical', label: 'Online order', value_type: 'boolean', sample_values: [true, false] },
  ]
  return { metrics, dimensions }
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'lambda', 'zeta', 'theta', 'iota', 'rho', 'tau', 'phi', 'chi', 'psi']
const NOUNS = ['shipments', 'invoices', 'tickets', 'visits', 'leads', 'refunds', 'sessions', 'claims', 'payments', 'subscriptions', 'returns', 'bookings']

/**
 * A synthetic semantic layer of `metricsCount` metrics and `dimsCount`
 * dimensions with long descriptions and many sample values, plus the retail
 * catalog's items so questions about sales still have one right answer.
 */
export function hugeCatalog(metricsCount = 1_200, dimsCount = 800): Catalog {
  const retail = retailCatalog()
  const dimensions: CatalogDimension[] = [...retail.dimensions]
  for (let i = 0; dimensions.length < dimsCount; i++) {
    const w = WORDS[i % WORDS.length]
    const n = NOUNS[(i * 7) % NOUNS.length]
    dimensions.push({
      name: `${n.replace(/s$/, '')}_${i}__${w}_attribute_${i}`,
      type: 'categorical',
      label: `${w} attribute ${i} of ${n}`,
      description: `The ${w} attribute number ${i} of ${n}. `.repeat(8),
      synonyms: [`${w} ${i}`, `${n} ${w} code ${i}`],
      value_type: 'string',
      sample_values: Array.from({ length: 50 }, (_, k) => `${w}-value-${i}-${k}`),
    })
  }
  const dimNames = dimensions.map((d) => d.name)
  const metrics: CatalogMetric[] = [...retail.metrics]
  for (let i = 0; metrics.length < metricsCount; i++) {
    const w = WORDS[(i * 3) % WORDS.length]
    const n = NOUNS[i % NOUNS.length]
    metrics.push({
      name: `${w}_${n}_${i}`,
      type: 'simple',
      label: `${w} ${n} ${i}`,
      description: `Count of ${n} in the ${w} program, variant ${i}, excluding test accounts. `.repeat(5),
      synonyms: [`${n} ${i}`, `${w} ${n} variant ${i}`],
      dimensions: ['metric_time', ...dimNames.slice(7 + (i % 100), 7 + (i % 100) + 40)],
    })
  }
  return { metrics, dimensions }
}

export function ctx(over: Partial<PlannerContext> = {}): PlannerContext {
  return { timezone: 'UTC', now: new Date('2024-05-15T12:00:00Z'), allowRawSql: false, dialect: 'postgres', ...over }
}

/** A well-formed answer in the shape the model is asked for. */
export function answer(query: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'semantic',
    query: { metrics: [], group_by: [], filters: [], time_constraint: null, order_by: [], limit: null, ...query },
    sql: null,
    confidence: 0.9,
    reasons: ['test'],
    problem: null,
    ...extra,
  }
}

export const signal = (): AbortSignal => new AbortController().signal
