// "Did you mean" suggestions: closest valid names by edit distance, with
// substring and token matches ranked first so `revenue` finds `txn_revenue`.

/**
 * Damerau–Levenshtein distance (optimal string alignment variant): the one
 * edit distance of the code base (the planners' typo readings use it too).
 * With `max`, stops early and returns `max + 1` once the distance is above it.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  if (a === b) return 0
  const n = a.length
  const m = b.length
  let prev2 = new Array<number>(m + 1).fill(0)
  let prev = Array.from({ length: m + 1 }, (_, j) => j)
  let cur = new Array<number>(m + 1).fill(0)
  for (let i = 1; i <= n; i++) {
    cur[0] = i
    let rowMin = cur[0]
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  return prev[m]
}

/** Up to `limit` candidates closest to `input`; empty when nothing is reasonably close. */
export function suggest(input: string, candidates: Iterable<string>, limit = 5): string[] {
  const needle = input.toLowerCase()
  const scored: Array<{ name: string; score: number }> = []
  const seen = new Set<string>()
  for (const c of candidates) {
    if (seen.has(c)) continue
    seen.add(c)
    const hay = c.toLowerCase()
    const distance = editDistance(needle, hay)
    // Names are compared on their last segments too: `country` vs `listing__country_latest`.
    const tail = hay.split('__').pop() ?? hay
    const tailDistance = editDistance(needle.split('__').pop() ?? needle, tail)
    let score = Math.min(distance, tailDistance + 1)
    // Containment is a strong hint only when the shorter name is most of the longer one or what was typed.
    if ((hay.includes(needle) && needle.length >= 3) || (needle.includes(hay) && hay.length >= needle.length * 0.6)) score = Math.min(score, 1)
    const threshold = Math.max(2, Math.floor(Math.max(needle.length, tail.length) * 0.4))
    if (score <= threshold) scored.push({ name: c, score })
  }
  scored.sort((x, y) => x.score - y.score || x.name.length - y.name.length || x.name.localeCompare(y.name))
  return scored.slice(0, limit).map((s) => s.name)
}
