// The terminal's verbs for the dataset doctor, fixes, sweeps and bundle import, their --help, and
// the refusal of flags a verb does not have. Runs from source under tsx, as the built bin runs.
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import stringWidth from 'string-width'
import { describe, expect, it } from 'vitest'
import { table } from '../../src/main/cli/format'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(process.cwd(), 'src/main/cli.ts')
const home = tempDir('wb-cli-verbs-')
function workbench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_BACKEND: 'cpu' },
    timeout: 240_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

const tiny = ['train.epochs=2', 'model.dModel=16', 'model.nHeads=2', 'model.seqLen=16', 'train.batchSize=16'].flatMap((s) => ['--set', s])

/** Imports 120 short reviews (two classes) plus five extra copies of one row; each test imports its own. */
function importReviews(name: string): { id: string; rowCount: number } {
  const rows = ['text,label']
  const pos = ['great', 'lovely', 'superb', 'wonderful']
  const neg = ['awful', 'dreadful', 'poor', 'terrible']
  for (let i = 0; i < 120; i++) rows.push(`"the film was ${i % 2 ? pos[i % 4] : neg[i % 4]} and the plot ${i}",${i % 2 ? 'positive' : 'negative'}`)
  for (let i = 0; i < 6; i++) rows.push('"the film was great and the plot 1",positive') // five extra copies of a row
  const path = join(home, `${name}.csv`)
  writeFileSync(path, rows.join('\n'))
  return json(workbench('import', path, '--name', name, '--json'))
}

describe('workbench doctor, fix, sweep and runs import', () => {
  it('doctor lists findings with fix ids; fix applies one and the finding is gone from the new version', () => {
    const ds = importReviews('reviews')

    const report = json(workbench('doctor', ds.id, '--json'))
    expect(report.datasetId).toBe(ds.id)
    const dup = report.findings.find((f: { id: string }) => f.id === 'exact-duplicates')
    expect(dup.fixes.map((f: { id: string }) => f.id)).toEqual(['dedupe-exact'])

    const human = workbench('doctor', ds.id)
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/fix: dedupe-exact/)
    expect(human.stdout).toContain(`workbench fix ${ds.id} FIX_ID`)

    const fixed = json(workbench('fix', ds.id, 'dedupe-exact', '--json'))
    expect(fixed.id).toBe(ds.id)
    expect(fixed.rowCount).toBe(ds.rowCount - dup.count)
    const after = json(workbench('doctor', ds.id, '--json'))
    expect(after.findings.map((f: { id: string }) => f.id)).not.toContain('exact-duplicates')

    const unknownFix = workbench('fix', ds.id, 'no-such-fix')
    expect(unknownFix.code).toBe(1)
    expect(unknownFix.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('sweep trains one run per value, prints plain progress when piped, and --json gives the best run', () => {
    const ds = importReviews('for-the-sweep')
    const r = workbench('sweep', '--dataset', ds.id, '--vary', 'train.learningRate=0.01,0.001', ...tiny, '--metric', 'accuracy', '--json')
    const best = json(r)
    expect(best.status).toBe('completed')
    expect(best.sweepId).toEqual(expect.any(String))
    const lines = workbench('runs', 'list', '--jsonl')
    expect(lines.code).toBe(0)
    // --jsonl: one run per line.
    const runs = lines.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)).filter((x: { sweepId: string }) => x.sweepId === best.sweepId)
    expect(runs).toHaveLength(2)
    expect(runs.map((x: { config: { train: { learningRate: number } } }) => x.config.train.learningRate).sort()).toEqual([0.001, 0.01])
    const top = Math.max(...runs.map((x: { metrics: { accuracy: number } }) => x.metrics.accuracy))
    expect(best.metrics.accuracy).toBe(top)
    // stderr is a pipe here: whole lines, no redrawn bar.
    expect(r.stderr).not.toMatch(/\r/)
    expect(r.stderr).toMatch(/^run 2\/2: /m)

    const badKey = workbench('sweep', '--dataset', ds.id, '--vary', 'train.nope=1,2')
    expect(badKey.code).toBe(1)
    expect(badKey.stderr).toMatch(/train\.nope/)
  })

  it('runs import brings an exported bundle back as a verified run', () => {
    const ds = importReviews('for-the-bundle')
    const run = json(workbench('train', '--dataset', ds.id, '--preset', 'quick', ...tiny, '--json'))
    expect(run.status).toBe('completed')
    const out = join(home, 'bundle')
    json(workbench('export', '--run', run.id, '--out', out, '--format', 'zip', '--json'))
    const zip = join(out, 'model-bundle.zip')
    expect(existsSync(zip)).toBe(true)
    const imported = json(workbench('runs', 'import', zip, '--name', 'from the bundle', '--json'))
    expect(imported).toMatchObject({ name: 'from the bundle', parentKind: 'import' })
    expect(imported.id).not.toBe(run.id)
    const p = json(workbench('predict', '--run', imported.id, '--text', 'the film was superb', '--json'))
    const q = json(workbench('predict', '--run', run.id, '--text', 'the film was superb', '--json'))
    expect(p.probabilities.positive).toBeCloseTo(q.probabilities.positive, 4)

    const missing = workbench('runs', 'import', join(home, 'nothing.zip'))
    expect(missing.code).toBe(1)
  })

  it('refuses a flag the verb does not have, naming it, and explains each verb with --help', () => {
    for (const [args, flag] of [
      [['runs', 'list', '--epochs', '3'], '--epochs'],
      [['train', '--dataset', 'ds_x', '--lr', '0.1'], '--lr'],
      [['doctor', 'ds_x', '--vary', 'a=1'], '--vary'],
    ] as const) {
      const r = workbench(...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain(flag)
    }
    const help = workbench('sweep', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: workbench sweep --dataset ID --vary key=v1,v2/)
    const group = workbench('runs', '--help')
    expect(group.code).toBe(0)
    expect(group.stdout).toMatch(/workbench runs import BUNDLE/)
  })
})

describe('terminal tables', () => {
  it('align columns by display width, so Chinese names line up with Latin ones', () => {
    const rows = [
      ['id', 'name', 'rows'],
      ['ds_1', '影评数据', '120'],
      ['ds_2', 'reviews', '80'],
      ['ds_3', '混合 mixed テキスト', '7'],
    ]
    const lines = table(rows).split('\n')
    const column = (line: string, cell: string) => stringWidth(line.slice(0, line.lastIndexOf(cell)))
    const at = lines.map((l, i) => column(l, rows[i][2]))
    expect(new Set(at).size).toBe(1)
    expect(at[0]).toBe(4 + 2 + stringWidth('混合 mixed テキスト') + 2)
  })
})
