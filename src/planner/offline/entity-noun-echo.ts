// "average gpa of doctoral students", "credit hours attempted by international students": the last
// noun names the entity the metric is about (the student), and says whose numbers they are. Where a
// code legend elsewhere in the layer uses the same word for a value the metric cannot reach ("SELF =
// student or family" on payments), reading the noun as that filter refuses a plain question; the
// noun is no filter at all.
import type { CatalogIndex } from './catalog-index'
import { nameStems } from './normalize'

/** The entity every metric reaches that a one-word mention names ("students" → student), or undefined. */
export function reachedEntityNamed(text: string, metrics: string[], idx: CatalogIndex): string | undefined {
  const said = nameStems(text)
  if (said.length !== 1 || metrics.length === 0) return undefined
  const reached = (m: string) => (idx.metrics.get(m)?.dimensions ?? []).filter((d) => !d.includes('__') && idx.dimensions.get(d)?.type === 'entity')
  const named = reached(metrics[0]).filter((e) => nameStems(e).join(' ') === said[0])
  return named.length === 1 && metrics.every((m) => reached(m).includes(named[0])) ? named[0] : undefined
}
