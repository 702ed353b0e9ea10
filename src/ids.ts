import { randomBytes } from 'node:crypto'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

// Random bytes are drawn from the CSPRNG a few kilobytes at a time and each
// byte is used once: one call per ~100 ids instead of one per id (a request
// makes several ids; each call was a measurable share of its CPU).
const POOL_BYTES = 4096
let pool = randomBytes(POOL_BYTES)
let used = 0

function nextByte(): number {
  if (used === POOL_BYTES) { pool = randomBytes(POOL_BYTES); used = 0 }
  return pool[used++]
}

/** Uniform base62 string from crypto randomness (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    const b = nextByte()
    if (b < 248) out += BASE62[b % 62]
  }
  return out
}

export type IdPrefix = 'qry' | 'conn' | 'met' | 'dim' | 'key' | 'usr' | 'conv' | 'job' | 'ten' | 'sm' | 'ses' | 'fam' | 'req' | 'aud' | 'mev' | 'grp'

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`
}
