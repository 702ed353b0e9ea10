// `port_in_cnt`, `port_out_cnt`, `check_in_count`: a noun made of a verb and its particle ("a port-in",
// "a check-in") takes its plural on the particle ("port-ins", "check-ins"). The stemmer folds "outs" to
// "out" but leaves "ins" whole (a two-letter stem is too short to fold safely), so the name is also
// indexed with the particle in the plural, right after the verb it belongs to.
import { stem } from './normalize'

/** Particles that make a phrasal noun with the word before them. */
const PARTICLES = new Set(['in', 'out', 'up', 'off', 'on', 'down', 'back'])

/** The name's stems with a particle after a word written in the plural, where the stemmer keeps that plural apart. */
export function particlePluralStems(stems: string[]): string[][] {
  const out: string[][] = []
  for (let i = 1; i < stems.length; i++) {
    if (!PARTICLES.has(stems[i]) || !/^[a-z]{3,}$/.test(stems[i - 1])) continue
    const plural = stem(`${stems[i]}s`)
    if (plural !== stems[i]) out.push([...stems.slice(0, i), plural, ...stems.slice(i + 1)])
  }
  return out
}
