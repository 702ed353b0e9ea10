// Access policies written in the YAML of a semantic layer: a top-level
// `access_policies:` list of our own, and `meta: {nexatron: {access: [...]}}`
// (or `config: {meta: ...}`) on a semantic model, whose policies default their
// model to that model. Shapes are checked here with YAML paths and lines;
// references to the layer are checked by validate-policies.ts.
import { childPath, readYamlFiles, type ImportProblem } from '../import/yaml-source'
import { lineFor } from '../import/reader'
import { MASK_METHODS, type AccessPolicy } from './types'

export interface ImportedPolicies {
  policies: AccessPolicy[]
  problems: ImportProblem[]
  /** File, YAML path and line of each policy, by index (for locating reference problems). */
  origins: Array<{ file: string; path: string; line?: number }>
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
const KEYS = new Set(['name', 'model', 'description', 'applies_to', 'bypass_roles', 'bypass_groups', 'row_filter', 'member_access', 'mask', 'on_missing_attribute'])
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string')

export function importAccessPolicies(files: Array<{ path: string; content: string }>): ImportedPolicies {
  const out: ImportedPolicies = { policies: [], problems: [], origins: [] }
  const docs = readYamlFiles(files, [])
  for (const doc of docs) {
    if (!isObj(doc.value)) continue
    const problem = (path: string, message: string) => out.problems.push({ file: doc.file, path, message, line: lineFor(doc.lines, path) })
    const take = (raw: unknown, path: string, model?: string) => {
      if (!isObj(raw)) { problem(path, 'an access policy must be a mapping'); return }
      const p = { ...(model && raw.model === undefined ? { model } : {}), ...raw } as Record<string, unknown>
      if (p.name === undefined && model) p.name = `${model}_access_${out.policies.filter((x) => x.model === model).length + 1}`
      const before = out.problems.length
      for (const k of Object.keys(p)) if (!KEYS.has(k)) problem(childPath(path, k), `unknown access policy field "${k}"`)
      if (typeof p.name !== 'string' || !p.name) problem(childPath(path, 'name'), 'name is required')
      if (typeof p.model !== 'string' || !p.model) problem(childPath(path, 'model'), 'model is required')
      if (p.row_filter !== undefined && typeof p.row_filter !== 'string') problem(childPath(path, 'row_filter'), 'row_filter must be a string')
      if (p.bypass_roles !== undefined && !strings(p.bypass_roles)) problem(childPath(path, 'bypass_roles'), 'bypass_roles must be a list of role names')
      if (p.bypass_groups !== undefined && !strings(p.bypass_groups)) problem(childPath(path, 'bypass_groups'), 'bypass_groups must be a list of group names')
      if (p.on_missing_attribute !== undefined && p.on_missing_attribute !== 'deny' && p.on_missing_attribute !== 'no_rows') problem(childPath(path, 'on_missing_attribute'), 'on_missing_attribute is deny or no_rows')
      const ma = p.member_access
      if (ma !== undefined && (!isObj(ma) || (ma.hide !== undefined && !strings(ma.hide)) || (ma.allow !== undefined && !strings(ma.allow)))) problem(childPath(path, 'member_access'), 'member_access is {hide: [names]} or {allow: [names]}')
      if (p.mask !== undefined && (!Array.isArray(p.mask) || !p.mask.every((m) => isObj(m) && typeof m.dimension === 'string' && (MASK_METHODS as readonly unknown[]).includes(m.method)))) {
        problem(childPath(path, 'mask'), `mask is a list of {dimension, method: ${MASK_METHODS.join('|')}}`)
      }
      const to = p.applies_to
      if (to !== undefined && !isObj(to)) problem(childPath(path, 'applies_to'), 'applies_to is {roles: [names], groups: [names], attributes: {name: value(s)}}')
      else if (to !== undefined) {
        const at = childPath(path, 'applies_to')
        for (const k of Object.keys(to)) if (k !== 'roles' && k !== 'groups' && k !== 'attributes') problem(childPath(at, k), `unknown applies_to field "${k}" (roles, groups, attributes)`)
        if (to.roles !== undefined && !strings(to.roles)) problem(childPath(at, 'roles'), 'applies_to.roles must be a list of role names')
        if (to.groups !== undefined && !strings(to.groups)) problem(childPath(at, 'groups'), 'applies_to.groups must be a list of group names')
        if (to.attributes !== undefined && !isObj(to.attributes)) problem(childPath(at, 'attributes'), 'applies_to.attributes is {name: value(s)}')
      }
      if (out.problems.length > before) return
      out.policies.push(p as unknown as AccessPolicy)
      out.origins.push({ file: doc.file, path, line: lineFor(doc.lines, path) })
    }
    const top = doc.value.access_policies
    if (top !== undefined) {
      if (!Array.isArray(top)) problem('access_policies', 'access_policies must be a list')
      else top.forEach((p, i) => take(p, `access_policies[${i}]`))
    }
    const models = [...(Array.isArray(doc.value.semantic_models) ? doc.value.semantic_models.map((m, i) => [m, `semantic_models[${i}]`] as const) : []),
      ...(doc.value.semantic_model !== undefined ? [[doc.value.semantic_model, 'semantic_model'] as const] : [])]
    for (const [m, path] of models) {
      if (!isObj(m) || typeof m.name !== 'string') continue
      for (const [metaPath, meta] of [[`${path}.meta`, m.meta], [`${path}.config.meta`, isObj(m.config) ? m.config.meta : undefined]] as const) {
        const access = isObj(meta) && isObj(meta.nexatron) ? meta.nexatron.access : undefined
        if (access === undefined) continue
        const at = `${metaPath}.nexatron.access`
        if (!Array.isArray(access)) problem(at, 'meta.nexatron.access must be a list of access policies')
        else access.forEach((p, i) => take(p, `${at}[${i}]`, m.name as string))
      }
    }
  }
  return out
}
