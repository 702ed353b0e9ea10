// The files `nexatron semantic import <folder>` uploads.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { yamlFiles } from '../../src/cli/yaml-files'

const root = mkdtempSync(path.join(os.tmpdir(), 'nexatron-cli-yaml-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the YAML files a semantic import uploads', () => {
  it('walks a folder with a symbolic link back up the tree once, instead of looping until the CLI crashes', () => {
    const project = path.join(root, 'loop')
    mkdirSync(path.join(project, 'models'), { recursive: true })
    writeFileSync(path.join(project, 'models/orders.yml'), 'semantic_models: []\n')
    symlinkSync(project, path.join(project, 'models/back'))
    expect(yamlFiles([project]).map((f) => path.relative(project, f.path))).toEqual(['models/orders.yml'])
  })

  it('leaves hidden folders out unless named, and keeps a stable order', () => {
    const project = path.join(root, 'hidden')
    mkdirSync(path.join(project, '.github/workflows'), { recursive: true })
    mkdirSync(path.join(project, 'b'), { recursive: true })
    writeFileSync(path.join(project, '.github/workflows/ci.yml'), 'on: push\n')
    writeFileSync(path.join(project, 'b/z.yaml'), 'metrics: []\n')
    writeFileSync(path.join(project, 'a.yml'), 'metrics: []\n')
    writeFileSync(path.join(project, 'notes.txt'), 'not yaml\n')
    expect(yamlFiles([project]).map((f) => path.relative(project, f.path))).toEqual(['a.yml', 'b/z.yaml'])
    expect(yamlFiles([path.join(project, '.github')]).map((f) => path.relative(project, f.path))).toEqual(['.github/workflows/ci.yml'])
  })
})
