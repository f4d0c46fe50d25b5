// A table through the terminal: import as a table, train (the table encoder, its baseline beside it),
// predict a row given as JSON (with the columns it looked at) and a CSV of rows.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tableCsv, tinyTable } from '../helpers/tiny-table'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(process.cwd(), 'src/main/cli.ts')
const home = tempDir('wb-cli-tables-')
function workbench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: 'cpu' }, timeout: 240_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

describe('workbench with a table', () => {
  it('imports a CSV as a table, trains the table encoder with a table baseline, and predicts rows given with --row or a CSV', () => {
    writeFileSync(join(home, 'points.csv'), tableCsv(tinyTable(300, 11)))
    const ds = json(workbench('datasets', 'import', join(home, 'points.csv'), '--json'))
    expect(ds.kind).toBe('table')
    const cols = workbench('datasets', 'columns', ds.id)
    expect(cols.stdout).toMatch(/id: id\. .*left out/)

    const run = json(workbench('train', '--dataset', ds.id, '--preset', 'quick', '--set', 'train.epochs=30', '--set', 'train.learningRate=0.003', '--set', 'train.patience=30', '--json'))
    expect(run.status).toBe('completed')
    expect(run.config.model.dModel).toBe(32)
    expect(run.metrics.accuracy, JSON.stringify(run.metrics.kept)).toBeGreaterThan(0.75)
    expect(run.metrics.baseline.kind).toBe('table-logreg')
    expect(run.metrics.baseline.features).toBe(2 * 2 + (3 + 2))

    const p = json(workbench('predict', '--run', run.id, '--row', '{"width": 90, "height": 10, "colour": "red"}', '--attention', '--json'))
    expect(Object.keys(p.probabilities).sort()).toEqual(['hi', 'lo'])
    expect(p.columns.names).toEqual(['width', 'height', 'colour'])
    expect(p.columns.attention).toHaveLength(3)
    for (const a of p.columns.attention) expect(a).toBeGreaterThan(0)

    const rows = tinyTable(5, 99)
    writeFileSync(join(home, 'new.csv'), tableCsv(rows))
    const many = workbench('predict', '--run', run.id, '--file', join(home, 'new.csv'), '--jsonl')
    expect(many.code, many.stderr).toBe(0)
    const lines = many.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; text: string })
    expect(lines).toHaveLength(5)
    expect(JSON.parse(lines[0]!.text).width).toBe(rows.rows[0]!.width)

    // A sweep and a comparison work on table runs like on text runs.
    const best = json(workbench('sweep', '--dataset', ds.id, '--preset', 'quick', '--vary', 'model.nLayers=1,2', '--set', 'train.epochs=2', '--metric', 'accuracy', '--json'))
    expect(best.status).toBe('completed')
    const cmp = json(workbench('runs', 'compare', run.id, best.id, '--json'))
    expect(cmp.configDiff.map((d: { key: string }) => d.key)).toContain('train.epochs')
    expect(cmp.metrics.every((m: { metrics: { baseline: { kind: string } } }) => m.metrics.baseline.kind === 'table-logreg')).toBe(true)

    const bad = workbench('predict', '--run', run.id, '--text', 'not a row')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/table model reads a row of cells as a JSON object, e\.g\. \{"width":"1\.5"/)
  }, 300_000)
})
