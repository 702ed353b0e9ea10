import { randomBytes } from 'node:crypto'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Uniform base62 string from crypto randomness (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62]
      if (out.length === length) break
    }
  }
  return out
}

export type IdPrefix = 'qry' | 'conn' | 'met' | 'dim' | 'key' | 'usr' | 'conv' | 'job' | 'ten' | 'sm' | 'ses' | 'fam' | 'req' | 'aud' | 'mev' | 'grp'

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`
}
