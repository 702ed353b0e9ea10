// Store-time checks of access policies against the layer they govern: every
// problem at once, each with its path (`access_policies[2].row_filter`), so a
// policy that could never apply as written is refused instead of silently
// letting rows through.
import type { SemanticManifest } from '../types'
import { parseRowFilterTemplate, TemplateError } from './row-filter-template'
import { filterColumn } from './restrict'
import { suggest } from '../suggest'
import type { AccessPolicy } from './types'

export interface PolicyProblem { path: string; message: string }

export const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

const didYouMean = (name: string, names: string[]) => {
  const s = suggest(name, names)
  return s.length ? ` (did you mean ${s.slice(0, 3).join(', ')}?)` : ''
}

export function validateAccessPolicies(manifest: SemanticManifest, policies: readonly AccessPolicy[], root = 'access_policies'): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  const seen = new Set<string>()
  const models = new Map(manifest.semantic_models.map((m) => [m.name, m]))
  const metricNames = manifest.metrics.map((m) => m.name)
  policies.forEach((p, i) => {
    const path = `${root}[${i}]`
    if (seen.has(p.name)) problems.push({ path: `${path}.name`, message: `policy "${p.name}" is defined more than once` })
    seen.add(p.name)
    const model = models.get(p.model)
    if (!model) {
      problems.push({ path: `${path}.model`, message: `semantic model "${p.model}" does not exist${didYouMean(p.model, [...models.keys()])}` })
      return
    }
    if (!p.row_filter && !p.member_access && !p.mask?.length) {
      problems.push({ path, message: `policy "${p.name}" has no row_filter, member_access or mask: it would do nothing` })
    }
    for (const [which, list] of [['applies_to.groups', p.applies_to?.groups], ['bypass_groups', p.bypass_groups]] as const) {
      list?.forEach((g, j) => {
        if (!g.trim() || g.length > 200) problems.push({ path: `${path}.${which}[${j}]`, message: 'a group name is 1 to 200 characters' })
      })
    }
    for (const [k] of Object.entries(p.applies_to?.attributes ?? {})) {
      if (!ATTRIBUTE_NAME.test(k)) problems.push({ path: `${path}.applies_to.attributes.${k}`, message: `"${k}" is not an attribute name (letters, digits, _)` })
    }
    if (p.row_filter !== undefined) {
      try {
        for (const t of parseRowFilterTemplate(p.row_filter)) {
          if (t.kind === 'sql') continue
          if (t.kind === 'attribute') {
            if (!ATTRIBUTE_NAME.test(t.name)) problems.push({ path: `${path}.row_filter`, message: `"${t.name}" is not an attribute name (letters, digits, _)` })
            continue
          }
          if (!filterColumn(model, t.kind, t.name)) {
            const names = t.kind === 'entity' ? model.entities.map((e) => e.name) : model.entities.flatMap((e) => model.dimensions.map((d) => `${e.name}__${d.name}`))
            problems.push({ path: `${path}.row_filter`, message: `${t.kind} "${t.name}" is not one of model "${model.name}"${didYouMean(t.name, names)}` })
          }
        }
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e
        problems.push({ path: `${path}.row_filter`, message: e.message })
      }
    }
    const aggTime = new Set([model.defaults?.agg_time_dimension, ...model.measures.map((m) => m.agg_time_dimension), ...model.measures.map((m) => m.non_additive_dimension?.name)].filter(Boolean))
    const access = p.member_access
    if (access?.hide && access.allow) problems.push({ path: `${path}.member_access`, message: 'give either hide or allow, not both' })
    for (const [which, list] of [['hide', access?.hide], ['allow', access?.allow]] as const) {
      list?.forEach((n, j) => {
        const known = model.dimensions.some((d) => d.name === n) || model.entities.some((e) => e.name === n) || metricNames.includes(n)
        if (!known) {
          const names = [...model.dimensions.map((d) => d.name), ...model.entities.map((e) => e.name), ...metricNames]
          problems.push({ path: `${path}.member_access.${which}[${j}]`, message: `"${n}" is not a dimension or entity of "${model.name}" nor a metric${didYouMean(n, names)}` })
        } else if (which === 'hide' && aggTime.has(n)) {
          problems.push({ path: `${path}.member_access.hide[${j}]`, message: `"${n}" is the time dimension measures of "${model.name}" aggregate by; it cannot be hidden` })
        }
      })
    }
    if (access?.allow) {
      for (const d of aggTime) if (!access.allow.includes(d!)) problems.push({ path: `${path}.member_access.allow`, message: `the allow list must keep "${d}", the time dimension measures of "${model.name}" aggregate by` })
    }
    p.mask?.forEach((m, j) => {
      const d = model.dimensions.find((x) => x.name === m.dimension)
      if (!d) problems.push({ path: `${path}.mask[${j}].dimension`, message: `"${m.dimension}" is not a dimension of "${model.name}"${didYouMean(m.dimension, model.dimensions.map((x) => x.name))}` })
      else if (d.type !== 'categorical') problems.push({ path: `${path}.mask[${j}].dimension`, message: `"${m.dimension}" is a time dimension; only categorical dimensions can be masked` })
    })
  })
  return problems
}
