// A deterministic, realistic retail dataset for the embedded demo warehouse.
// Same seed + same end date => byte-identical data, so answers are reproducible
// for a given day while "last quarter" always has data.

export interface DemoDataset {
  stores: Array<[number, string, string, string, string]> // id, name, city, state, region
  products: Array<[number, string, string, string, string]> // id, name, category, brand, price
  customers: Array<[number, string, string, string]> // id, name, segment, signed_up_at
  orders: Array<[number, number, number, string, string, string]> // id, customer, store, ordered_at, channel, status
  orderItems: Array<[number, number, number, number, number, string, number, string, string]> // id, order, product, store, customer, ordered_at, quantity, unit_price, amount
  firstDay: string
  lastDay: string
}

/** mulberry32: tiny, fast, good enough for synthetic data, fully deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const STORES: Array<[string, string, string, string]> = [
  ['Los Angeles Downtown', 'Los Angeles', 'CA', 'West'],
  ['Los Angeles Westside', 'Los Angeles', 'CA', 'West'],
  ['San Francisco Union Square', 'San Francisco', 'CA', 'West'],
  ['San Diego Gaslamp', 'San Diego', 'CA', 'West'],
  ['Seattle Pike Place', 'Seattle', 'WA', 'West'],
  ['Portland Pearl District', 'Portland', 'OR', 'West'],
  ['Denver LoDo', 'Denver', 'CO', 'West'],
  ['Chicago Loop', 'Chicago', 'IL', 'Midwest'],
  ['Columbus Short North', 'Columbus', 'OH', 'Midwest'],
  ['Minneapolis North Loop', 'Minneapolis', 'MN', 'Midwest'],
  ['Detroit Midtown', 'Detroit', 'MI', 'Midwest'],
  ['Austin Congress Avenue', 'Austin', 'TX', 'South'],
  ['Houston Galleria', 'Houston', 'TX', 'South'],
  ['Dallas Uptown', 'Dallas', 'TX', 'South'],
  ['Miami Brickell', 'Miami', 'FL', 'South'],
  ['Atlanta Midtown', 'Atlanta', 'GA', 'South'],
  ['New York Fifth Avenue', 'New York', 'NY', 'Northeast'],
  ['New York Brooklyn', 'New York', 'NY', 'Northeast'],
  ['Boston Back Bay', 'Boston', 'MA', 'Northeast'],
  ['Philadelphia Center City', 'Philadelphia', 'PA', 'Northeast'],
]
// Relative store traffic; big-city flagships sell more.
const STORE_WEIGHT = [1.6, 1.1, 1.4, 0.9, 1.2, 0.8, 0.9, 1.5, 0.7, 0.7, 0.6, 1.0, 1.1, 1.0, 1.0, 1.0, 1.8, 1.0, 1.1, 0.9]

const PRODUCTS: Array<[string, string, string, number]> = [
  ['Noise-Cancelling Headphones', 'Electronics', 'Sonora', 249.99],
  ['Wireless Earbuds', 'Electronics', 'Sonora', 129.99],
  ['4K Smart TV 55"', 'Electronics', 'Vistra', 599.0],
  ['Bluetooth Speaker', 'Electronics', 'Sonora', 79.99],
  ['Tablet 10"', 'Electronics', 'Apex', 329.0],
  ['Smartwatch', 'Electronics', 'Apex', 199.0],
  ['USB-C Charger', 'Electronics', 'Voltix', 24.99],
  ['Laptop Sleeve', 'Electronics', 'Voltix', 29.5],
  ['Espresso Machine', 'Home & Kitchen', 'Casa Bella', 349.0],
  ['Chef\'s Knife', 'Home & Kitchen', 'Forge & Co', 89.0],
  ['Non-Stick Pan Set', 'Home & Kitchen', 'Casa Bella', 119.0],
  ['Cotton Bath Towels', 'Home & Kitchen', 'Linen Lane', 39.99],
  ['Air Fryer', 'Home & Kitchen', 'Crispio', 99.99],
  ['Scented Candle', 'Home & Kitchen', 'Linen Lane', 18.5],
  ['Ground Coffee 1kg', 'Grocery', 'Morning Ritual', 16.99],
  ['Olive Oil 1L', 'Grocery', 'Terra Verde', 12.49],
  ['Dark Chocolate Bar', 'Grocery', 'Cacao Club', 3.99],
  ['Sparkling Water 12-pack', 'Grocery', 'Fizz', 6.49],
  ['Organic Granola', 'Grocery', 'Terra Verde', 7.99],
  ['Green Tea 100 bags', 'Grocery', 'Morning Ritual', 9.99],
  ['Denim Jacket', 'Apparel', 'Northline', 89.0],
  ['Running Shoes', 'Apparel', 'Stride', 119.0],
  ['Wool Sweater', 'Apparel', 'Northline', 74.5],
  ['Cotton T-Shirt', 'Apparel', 'Basics Co', 19.99],
  ['Rain Jacket', 'Apparel', 'Stride', 139.0],
  ['Yoga Mat', 'Sports & Outdoors', 'Zenfit', 35.0],
  ['Camping Tent 4-Person', 'Sports & Outdoors', 'Trailhead', 229.0],
  ['Mountain Bike Helmet', 'Sports & Outdoors', 'Trailhead', 69.99],
  ['Adjustable Dumbbells', 'Sports & Outdoors', 'Zenfit', 189.0],
  ['Insulated Water Bottle', 'Sports & Outdoors', 'Trailhead', 27.99],
  ['Moisturizing Cream', 'Beauty', 'Glow Lab', 24.0],
  ['Vitamin C Serum', 'Beauty', 'Glow Lab', 32.0],
  ['Shampoo & Conditioner Set', 'Beauty', 'Pure Roots', 21.5],
  ['Perfume 50ml', 'Beauty', 'Maison Fleur', 78.0],
  ['Building Blocks Set', 'Toys', 'Brickly', 59.99],
  ['Board Game Classic', 'Toys', 'Playwell', 34.99],
  ['Remote Control Car', 'Toys', 'Playwell', 49.99],
  ['Plush Bear', 'Toys', 'Cuddle Co', 19.99],
  ['Bestselling Novel', 'Books', 'Paperleaf', 16.99],
  ['Cookbook', 'Books', 'Paperleaf', 29.99],
  ['Children\'s Picture Book', 'Books', 'Little Pages', 12.99],
  ['Travel Guide', 'Books', 'Paperleaf', 22.0],
]

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Maria', 'Wei', 'Aisha', 'Hiroshi', 'Fatima', 'Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Sofia']
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Chen', 'Nguyen', 'Patel', 'Kim', "O'Brien", 'Schmidt', 'Rossi', 'Silva', 'Khan']

const DAY_MS = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function pickWeighted(r: () => number, weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0)
  let x = r() * total
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]
    if (x < 0) return i
  }
  return weights.length - 1
}

/** Generates three years of orders ending on `today` (UTC date). */
export function generateDemoDataset(today: Date = new Date(), seed = 20240101): DemoDataset {
  const r = rng(seed)
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())
  const start = Date.UTC(today.getUTCFullYear() - 3, today.getUTCMonth(), today.getUTCDate()) + DAY_MS

  const stores = STORES.map(([n, c, s, reg], i) => [i + 1, n, c, s, reg] as [number, string, string, string, string])
  const products = PRODUCTS.map(([n, cat, b, p], i) => [i + 1, n, cat, b, p.toFixed(2)] as [number, string, string, string, string])
  // Cheap items sell more often than expensive ones.
  const productWeight = PRODUCTS.map(([, , , p]) => 1 / Math.sqrt(p))

  const customers: DemoDataset['customers'] = []
  const nCustomers = 2400
  for (let i = 1; i <= nCustomers; i++) {
    const name = `${FIRST[Math.floor(r() * FIRST.length)]} ${LAST[Math.floor(r() * LAST.length)]}`
    const x = r()
    const segment = x < 0.7 ? 'Consumer' : x < 0.9 ? 'Small Business' : 'Corporate'
    // Customers sign up over the whole period, a few before it.
    const signed = start - 180 * DAY_MS + Math.floor(r() * ((end - start + 180 * DAY_MS) / DAY_MS)) * DAY_MS
    customers.push([i, name, segment, isoDay(signed)])
  }
  const bySignup = [...customers].sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[0] - b[0]))

  const orders: DemoDataset['orders'] = []
  const orderItems: DemoDataset['orderItems'] = []
  let orderId = 0
  let itemId = 0
  let signedUpCount = 0
  for (let day = start; day <= end; day += DAY_MS) {
    const d = new Date(day)
    const dayIso = isoDay(day)
    while (signedUpCount < bySignup.length && bySignup[signedUpCount][3] <= dayIso) signedUpCount++
    if (signedUpCount === 0) continue
    const years = (day - start) / (365 * DAY_MS)
    const growth = 1 + 0.18 * years
    const dow = d.getUTCDay()
    const weekly = dow === 6 ? 1.35 : dow === 0 ? 1.2 : dow === 5 ? 1.1 : 0.9
    const month = d.getUTCMonth()
    const seasonal = month === 10 ? 1.35 : month === 11 ? 1.7 : month === 0 ? 0.85 : month === 1 ? 0.9 : 1
    const expected = 7.5 * growth * weekly * seasonal
    const n = Math.max(0, Math.round(expected + (r() - 0.5) * 4))
    for (let k = 0; k < n; k++) {
      orderId++
      const customer = bySignup[Math.floor(r() * signedUpCount)]
      const store = pickWeighted(r, STORE_WEIGHT) + 1
      const channel = r() < 0.3 + 0.1 * years ? 'Online' : 'In store'
      const s = r()
      const status = s < 0.03 ? 'Cancelled' : s < 0.08 ? 'Returned' : 'Completed'
      orders.push([orderId, customer[0], store, dayIso, channel, status])
      const lines = 1 + pickWeighted(r, [5, 3, 1.5, 0.7])
      const used = new Set<number>()
      for (let l = 0; l < lines; l++) {
        let p = pickWeighted(r, productWeight)
        if (used.has(p)) continue
        used.add(p)
        const qty = 1 + pickWeighted(r, [8, 2, 1])
        const price = PRODUCTS[p][3]
        // Occasional 10-20% promotions.
        const discount = r() < 0.15 ? 0.8 + Math.floor(r() * 3) * 0.05 : 1
        const unit = Math.round(price * discount * 100) / 100
        const amount = Math.round(unit * qty * 100) / 100
        itemId++
        orderItems.push([itemId, orderId, p + 1, store, customer[0], dayIso, qty, unit.toFixed(2), amount.toFixed(2)])
      }
    }
  }
  return { stores, products, customers, orders, orderItems, firstDay: isoDay(start), lastDay: isoDay(end) }
}
