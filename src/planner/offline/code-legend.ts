// Reading the code legends an un-curated layer writes in its column descriptions.

/**
 * Code legends written in a description: "MCR = Medicare, MCD = Medicaid",
 * "role_code 'M' = member", "F: female; M: male", "NP (new patient)".
 * Returns [code, meaning, gloss?] entries; a description without a legend gives none.
 */
export function codeLegend(description: string | undefined): Array<[string, string, string?]> {
  if (!description) return []
  const out: Array<[string, string, string?]> = []
  // a meaning may carry a gloss in parentheses ("DIR = direct (brand website and app)"): the meaning
  // ends before it, and the gloss is kept as the third element
  // a meaning may open with a digit where it is a generation or size written as one token ("NR = 5G", "LTE = 4G")
  const re = /(?:^|[\s,;(:])['"]?([A-Za-z0-9+-]{1,6})['"]?\s*(?:=|:|->|→)\s*([A-Za-z][A-Za-z' -]{1,40}?|\d{1,3}[A-Za-z]{1,3})(?=\s*(?:[,;).]|\(|$|\s+(?:and|or)\s))(?:\s*\(([^()]{1,60})\))?/g
  for (const m of description.matchAll(re)) {
    const code = m[1]
    const meaning = m[2].trim()
    // "Kind of visit: NP = ...": the word before a colon that opens a legend is its title, not a code
    if (!/[A-Z0-9]/.test(code) && code.length > 3) continue
    // "MAN = manual review by an underwriter": a long meaning is said by what comes before its agent phrase
    const said = meaning.split(/\s+/).length > 4 ? /^(\S+(?:\s+\S+){0,2})\s+by\s/.exec(meaning)?.[1] : meaning
    if (!said) continue
    out.push(m[3] ? [code, said, m[3].trim()] : [code, said])
  }
  return out
}
