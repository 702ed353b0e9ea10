// The semantic layer in the console, in Chromium against a started server and
// the local PostgreSQL: import a small dbt project (file input), browse it,
// edit a metric's label/synonyms/format and a dimension's description,
// validate, a broken project's problems with file and line (drag & drop), and
// a viewer's read-only view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiCall, screenshot } from './harness'
import { createPgConnection, createPgSchema, expectAccessible, hasChromium, pgAvailable, startAdminSession, type AdminSession } from './admin-session'

const hasPg = await pgAvailable()

const models = (schema: string) => `semantic_models:
  - name: orders
    label: Orders
    description: One row per order.
    node_relation: { schema_name: ${schema}, alias: orders }
    defaults: { agg_time_dimension: placed_on }
    entities:
      - { name: order, type: primary, expr: id }
    dimensions:
      - { name: placed_on, type: time, type_params: { time_granularity: day } }
      - { name: region, type: categorical }
    measures:
      - { name: amount, agg: sum }
`
const metrics = `metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params: { measure: amount }
`
// Line 5 names a measure the project does not have.
const broken = `metrics:
  - name: bad_revenue
    type: simple
    type_params:
      measure: no_such_measure
`

describe.skipIf(!hasChromium || !hasPg)('the semantic layer in the console', () => {
  let s: AdminSession
  let page: Page
  let db: Awaited<ReturnType<typeof createPgSchema>>
  let connectionId = ''
  beforeAll(async () => {
    db = await createPgSchema((schema) => `
      CREATE TABLE ${schema}.orders (id int PRIMARY KEY, placed_on date NOT NULL, region text NOT NULL, amount numeric(12,2) NOT NULL);
      INSERT INTO ${schema}.orders SELECT g, current_date - g, (ARRAY['North','South','East'])[1 + g % 3], g * 1.5 FROM generate_series(1, 60) g;`)
    s = await startAdminSession()
    connectionId = await createPgConnection(s.server, 'shop', db.schema)
    page = await s.newPage()
    await s.signIn(page, 'admin@example.com')
  })
  afterAll(async () => {
    await s?.close()
    await db?.drop()
  })

  it('imports a small dbt project picked with the file input and shows models, dimensions with sample values, and metrics', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Semantic layer' }).click()
    await page.getByRole('heading', { name: 'Semantic layer', level: 1 }).waitFor()
    // The demo warehouse is the tenant's default connection: pick ours.
    await page.getByLabel('Connection').selectOption({ label: 'shop (postgres)' })
    expect(await page.getByLabel('Connection').inputValue()).toBe(connectionId)
    await page.getByText('No metrics: import a dbt project.').waitFor()
    await page.getByLabel('dbt files').setInputFiles([
      { name: 'models.yml', mimeType: 'text/yaml', buffer: Buffer.from(models(db.schema)) },
      { name: 'metrics.yml', mimeType: 'text/yaml', buffer: Buffer.from(metrics) },
    ])
    await page.getByText('2 files: models.yml, metrics.yml (MetricFlow YAML)').waitFor()
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.getByRole('status').filter({ hasText: 'Imported.' }).waitFor()
    expect(await page.getByRole('status').filter({ hasText: 'Imported.' }).innerText()).toContain('1 models, 1 metrics, 2 dimensions')
    const metricRow = page.getByRole('row').filter({ hasText: 'revenue' }).first()
    await metricRow.waitFor()
    const dims = page.getByRole('table', { name: 'Dimensions of orders' })
    await dims.waitFor()
    const region = dims.getByRole('row').filter({ hasText: 'order__region' })
    await expect.poll(() => region.innerText()).toMatch(/East|North|South/)
    expect(await page.locator('details.model').innerText()).toContain('One row per order.')
    await expectAccessible(page, 'semantic layer (imported)')
    await screenshot(page, 'admin-06-semantic-layer')
  })

  it('edits a metric’s label, synonyms and format, a dimension’s description, an entity’s label and a model’s synonyms, through the API', async () => {
    await page.getByRole('button', { name: 'Edit metric revenue' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.getByLabel('Label').inputValue()).toBe('Revenue')
    await dialog.getByLabel('Label').fill('Net revenue')
    await dialog.getByLabel('Synonyms').fill('turnover, takings, turnover')
    await dialog.getByLabel('Format').selectOption('currency')
    await dialog.getByLabel('Currency').fill('eur')
    await dialog.getByLabel('Decimals').fill('0')
    await expectAccessible(page, 'semantic edit dialog')
    await screenshot(page, 'admin-07-semantic-edit')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.getByRole('row').filter({ hasText: 'Net revenue' })
    await row.waitFor()
    expect(await row.innerText()).toContain('turnover, takings')
    expect(await row.innerText()).toContain('currency EUR, 0 decimals')
    const listed = await (await apiCall(s.server, 'GET', `/api/v1/semantic/metrics?connection_id=${connectionId}`)).json() as { data: Array<{ label: string; synonyms: string[]; format: unknown; type_params: unknown }> }
    expect(listed.data[0]).toMatchObject({ label: 'Net revenue', synonyms: ['turnover', 'takings'], format: { type: 'currency', currency: 'EUR', decimals: 0 }, type_params: { measure: 'amount' } })

    await page.getByRole('button', { name: 'Edit dimension region' }).click()
    await dialog.getByLabel('Description').fill('Sales region of the order')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByRole('row').filter({ hasText: 'Sales region of the order' }).waitFor()

    // An entity is saved through its model (no route of its own); the model's synonyms too.
    await page.getByRole('button', { name: 'Edit entity order' }).click()
    await dialog.getByLabel('Label').fill('Customer order')
    await dialog.getByLabel('Synonyms').fill('purchase')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByText('primary · Customer order').waitFor()
    await page.getByRole('button', { name: 'Edit model orders' }).click()
    await dialog.getByLabel('Synonyms').fill('sales ledger')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const model = (await (await apiCall(s.server, 'GET', `/api/v1/semantic/models?connection_id=${connectionId}`)).json() as { data: Array<{ synonyms: string[]; entities: unknown[] }> }).data[0]
    expect(model.synonyms).toEqual(['sales ledger'])
    expect(model.entities).toEqual([{ name: 'order', type: 'primary', expr: 'id', label: 'Customer order', synonyms: ['purchase'] }])

    // A new value in the database shows up after a refresh of the sample values.
    await db.query(`INSERT INTO ${db.schema}.orders VALUES (1000, current_date, 'Westmark', 1)`)
    await page.getByRole('button', { name: 'Refresh values of region' }).click()
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'order__region' }).innerText()).toContain('Westmark')
  })

  it('validates the layer against the database and shows the report', async () => {
    await page.getByRole('button', { name: 'Validate' }).click()
    const report = page.getByRole('region', { name: /validation report/ })
    await report.waitFor()
    expect(await report.getByRole('heading').innerText()).toMatch(/^Valid/)
    expect(await report.innerText()).toMatch(/Checked 1 models, 1 metrics, 2 dimensions with \d+ probes/)
    await expectAccessible(page, 'semantic layer (validated)')
  })

  it('reports the problems of a broken project with file and line, from files dropped on the form, and changes nothing', async () => {
    const transfer = await page.evaluateHandle((content) => {
      // Runs in the page; the test's own tsconfig has no DOM types.
      const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string, o: { type: string }) => unknown }
      const dt = new w.DataTransfer()
      dt.items.add(new w.File([content], 'broken.yml', { type: 'text/yaml' }))
      return dt
    }, broken)
    await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer })
    await page.getByText('1 file: broken.yml (MetricFlow YAML)').waitFor()
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const problems = page.getByRole('list', { name: 'Import problems' })
    await problems.waitFor()
    const text = await problems.innerText()
    expect(text).toMatch(/broken\.yml:\d+/)
    expect(text).toContain('no_such_measure')
    expect(await page.getByRole('alert').first().innerText()).toContain('Nothing was changed')
    await expectAccessible(page, 'semantic layer (import problems)')
    await screenshot(page, 'admin-08-semantic-import-problems')
    const listed = await (await apiCall(s.server, 'GET', `/api/v1/semantic/metrics?connection_id=${connectionId}`)).json() as { data: Array<{ name: string }> }
    expect(listed.data.map((m) => m.name)).toEqual(['revenue'])
  })

  it('edits the access policies as JSON, lists a refused policy’s problems with their path, and previews a role’s SQL', async () => {
    await page.getByRole('button', { name: 'Edit policies' }).click()
    const policy = { name: 'north_only', model: 'orders', applies_to: { roles: ['analyst'] }, row_filter: "{{ Dimension('order__region') }} = 'North'" }
    await page.getByLabel('Policies (JSON)').fill(JSON.stringify([{ ...policy, model: 'no_such_model' }]))
    await page.getByRole('button', { name: 'Save policies' }).click()
    const problems = page.getByRole('list', { name: 'Policy problems' })
    await problems.waitFor()
    expect(await problems.innerText()).toContain('no_such_model')
    await page.getByLabel('Policies (JSON)').fill(JSON.stringify([policy]))
    await page.getByRole('button', { name: 'Save policies' }).click()
    await page.getByRole('status').filter({ hasText: '1 access policy saved.' }).waitFor()
    await page.getByRole('row').filter({ hasText: 'north_only' }).waitFor()
    await page.getByRole('textbox', { name: 'Metrics', exact: true }).fill('revenue')
    await page.getByRole('textbox', { name: 'Group by', exact: true }).fill('order__region')
    await page.getByRole('button', { name: 'Preview' }).click()
    const sql = page.getByLabel('Previewed SQL')
    await sql.waitFor()
    expect(await sql.innerText()).toContain("'North'")
    expect(await page.getByText('Applied: north_only (row filter)').count()).toBe(1)
    await expectAccessible(page, 'semantic layer (access policies)')
    await screenshot(page, 'admin-08b-access-policies')
  })

  it('shows a viewer the layer without import or edit controls', async () => {
    const viewer = await s.newPage()
    await s.signIn(viewer, 'viewer@example.com')
    await viewer.getByRole('link', { name: 'Semantic layer' }).click()
    await viewer.getByLabel('Connection').selectOption({ label: 'shop (postgres)' })
    await viewer.getByRole('row').filter({ hasText: 'Net revenue' }).waitFor()
    expect(await viewer.getByRole('button', { name: /^Edit/ }).count()).toBe(0)
    expect(await viewer.getByRole('button', { name: 'Import' }).count()).toBe(0)
    expect(await viewer.getByLabel('dbt files').count()).toBe(0)
    expect(await viewer.getByRole('heading', { name: 'Access policies' }).count()).toBe(0)
    await expectAccessible(viewer, 'semantic layer (viewer)')
  })

  it('raised no CSP violation and no script error', () => {
    expect(s.problems).toEqual([])
  })
})
