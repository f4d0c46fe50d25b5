// `workbench train --base`: a classifier fine-tuned from an imported base (the BERT fixture) in frozen-
// features mode, end to end through the terminal, the runs service and a trainer process. The run
// records its lineage (the base counts it as a user, so deleting the base is refused), the mode and its
// estimate are said before the run starts, and the fine-tuned run predicts.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(process.cwd(), 'src/main/cli.ts')
const FIXTURES = join(__dirname, '..', 'fixtures', 'bases')
function workbench(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_BACKEND: 'cpu' },
    timeout: 280_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('workbench train --base', () => {
  it('fine-tunes from an imported base with frozen features and records the lineage', { timeout: 300_000 }, () => {
    const home = tempDir('wb-cli-ftbase-')
    const base = JSON.parse(workbench(home, 'bases', 'import', join(FIXTURES, 'bert-tiny'), '--name', 'tiny bert', '--json').stdout) as { id: string }
    const csv = join(home, 'pets.csv')
    const rows = ['text,label']
    for (let i = 0; i < 60; i++) rows.push(i % 2 ? `the quick brown fox jumps ${i % 3 ? 'over' : 'again'},animals` : `cafe in zurich serves coffee ${i % 3 ? 'again' : 'and creme'},coffee`)
    writeFileSync(csv, rows.join('\n'))
    const ds = JSON.parse(workbench(home, 'import', csv, '--name', 'pets', '--json').stdout) as { id: string }

    const r = workbench(home, 'train', '--dataset', ds.id, '--base', base.id, '--set', 'finetune.mode=frozen', '--json')
    expect(r.stderr).toMatch(/Fine-tune mode frozen: .*once per text.*MB of memory/)
    expect(r.code).toBe(0)
    const run = JSON.parse(r.stdout) as { id: string; status: string; config: { finetune: { baseId: string; mode: string }; model: { dModel: number } }; metrics: { accuracy: number } }
    expect(run.status).toBe('completed')
    expect(run.config.finetune).toMatchObject({ baseId: base.id, mode: 'frozen' })
    // The run records the base's shape, not a preset's.
    expect(run.config.model.dModel).toBe(16)
    expect(run.metrics.accuracy).toBeGreaterThan(0.5)

    const listed = JSON.parse(workbench(home, 'bases', 'list', '--json').stdout) as { id: string; runsUsing: number }[]
    expect(listed.find((b) => b.id === base.id)?.runsUsing).toBe(1)
    const del = workbench(home, 'bases', 'delete', base.id)
    expect(del.code).toBe(1)
    expect(del.stderr).toMatch(/cannot be deleted: 1 run started from it/)

    const p = workbench(home, 'predict', '--run', run.id, '--text', 'the lazy dog jumps', '--json')
    expect(p.code).toBe(0)
    expect(['animals', 'coffee']).toContain((JSON.parse(p.stdout) as { label: string }).label)
  })

  it('refuses an unknown base with exit 1 and one line', () => {
    const home = tempDir('wb-cli-ftbase-')
    const csv = join(home, 'd.csv')
    writeFileSync(csv, ['text,label', ...Array.from({ length: 20 }, (_, i) => `text ${i},${i % 2 ? 'a' : 'b'}`)].join('\n'))
    const ds = JSON.parse(workbench(home, 'import', csv, '--json').stdout) as { id: string }
    const r = workbench(home, 'train', '--dataset', ds.id, '--base', 'base_nope')
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/base "base_nope" does not exist/)
  })
})
