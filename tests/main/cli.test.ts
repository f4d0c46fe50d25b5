import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tempDir } from '../helpers/temp-dirs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The terminal entry runs from source under tsx, exactly as the built bin runs it under node.
const cli = join(process.cwd(), 'src/main/cli.ts')
function workbench(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_BACKEND: 'cpu' },
    timeout: 240_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const home = () => tempDir('wb-cli-')

describe('workbench terminal', () => {
  it('prints help and exits 0', () => {
    const r = workbench(home(), '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Usage: workbench/)
    expect(r.stdout).toMatch(/runs list/)
  })

  it('lists nothing as an empty JSON array on a new home', () => {
    const h = home()
    for (const verb of [['runs', 'list'], ['datasets', 'list']]) {
      const r = workbench(h, ...verb, '--json')
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toEqual([])
    }
  })

  it('exits 1 with a one-line reason on bad input', () => {
    const h = home()
    const cases = [
      ['frobnicate'],
      ['runs', 'show', 'run_missing'],
      ['train', '--dataset', 'ds_missing'],
      ['runs', 'list', '--no-such-flag'],
      ['import', join(h, 'missing.csv')],
    ]
    for (const args of cases) {
      const r = workbench(h, ...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stdout).toBe('')
    }
  })

  it('imports a CSV, trains a tiny run to completion, predicts and compares, with JSON shapes from the contract', () => {
    const h = home()
    const rows = ['text,label']
    const pos = ['great', 'lovely', 'superb', 'wonderful']
    const neg = ['awful', 'dreadful', 'poor', 'terrible']
    for (let i = 0; i < 120; i++) {
      const w = i % 2 ? pos[i % 4] : neg[i % 4]
      rows.push(`"the film was ${w} and the plot ${i % 3 ? 'long' : 'short'}",${i % 2 ? 'positive' : 'negative'}`)
    }
    const csv = join(h, 'reviews.csv')
    writeFileSync(csv, rows.join('\n'))
    const imported = workbench(h, 'import', csv, '--name', 'reviews', '--json')
    expect(imported.code, imported.stderr).toBe(0)
    const ds = JSON.parse(imported.stdout)
    expect(ds).toMatchObject({ name: 'reviews', rowCount: 120 })
    expect(typeof ds.id).toBe('string')
    expect(typeof ds.createdAt).toBe('string')

    const sets = ['--set', 'train.epochs=2', '--set', 'model.dModel=16', '--set', 'model.nHeads=2', '--set', 'model.seqLen=16', '--set', 'train.batchSize=8']
    const trained = workbench(h, 'train', '--dataset', ds.id, '--preset', 'quick', ...sets, '--json')
    expect(trained.code, trained.stderr).toBe(0)
    const run = JSON.parse(trained.stdout)
    expect(run).toMatchObject({ status: 'completed' })
    expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0)
    expect(typeof run.metrics.macroF1).toBe('number')
    expect(Object.keys(run.metrics.perClass).sort()).toEqual(['negative', 'positive'])
    expect(trained.stderr).toMatch(/epoch/)

    const predicted = workbench(h, 'predict', '--run', run.id, '--text', 'the film was superb', '--json')
    expect(predicted.code, predicted.stderr).toBe(0)
    const p = JSON.parse(predicted.stdout)
    expect(['negative', 'positive']).toContain(p.label)
    expect(p.probabilities.negative + p.probabilities.positive).toBeCloseTo(1, 5)

    const second = workbench(h, 'train', '--dataset', ds.id, '--preset', 'quick', ...sets, '--set', 'train.learningRate=0.01', '--json')
    expect(second.code, second.stderr).toBe(0)
    const run2 = JSON.parse(second.stdout)
    const compared = workbench(h, 'runs', 'compare', run.id, run2.id, '--json')
    expect(compared.code, compared.stderr).toBe(0)
    const diff = JSON.parse(compared.stdout).configDiff.map((d: { key: string }) => d.key)
    expect(diff).toEqual(['train.learningRate'])

    const listed = JSON.parse(workbench(h, 'runs', 'list', '--json').stdout)
    expect(listed.map((r: { id: string }) => r.id).sort()).toEqual([run.id, run2.id].sort())
  })
})
