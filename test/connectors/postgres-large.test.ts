// Streams one million rows from the real Postgres and checks that memory stays
// flat: the connector must pull rows batch by batch, never buffer the result.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SERVICES, serviceAvailable } from '../support/services'

const ok = await serviceAvailable('postgres')

interface Probe { count: number; sum: number; batches: number; baseline: number; samples: number[]; ms: number }

function runProbe(rows: number): Promise<Probe> {
  const script = fileURLToPath(new URL('./large-stream-probe.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      env: { ...process.env, PROBE_ROWS: String(rows), PROBE_PG_HOST: SERVICES.postgres.host, PROBE_PG_PORT: String(SERVICES.postgres.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`probe exited ${code}: ${err.slice(-2000)}`))
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Probe)
    })
  })
}

describe.skipIf(!ok)('postgres large results', () => {
  it('streams 1,000,000 rows to a slow consumer with flat memory', async () => {
    const rows = 1_000_000
    const p = await runProbe(rows)
    expect(p.count).toBe(rows)
    expect(p.sum).toBe((rows * (rows + 1)) / 2)
    expect(p.samples.length).toBeGreaterThan(10)
    // The whole result is ~1M × (number, 32-char string, timestamp) ≈ 150+ MB as JS
    // values; a streaming connector holds one or two batches (a few MB).
    const peak = Math.max(...p.samples)
    const growth = peak - p.baseline
    expect(growth, `heap grew by ${(growth / 1e6).toFixed(1)} MB`).toBeLessThan(25e6)
    // No upward drift between the first and last quarter of the run.
    const q = Math.floor(p.samples.length / 4)
    const early = Math.max(...p.samples.slice(0, q))
    const late = Math.max(...p.samples.slice(-q))
    expect(late - early, 'heap drift').toBeLessThan(10e6)
  }, 240_000)
})
