// The runs repository: rows round-trip, filters and sorting, metric upserts and truncation,
// predictions, sweeps, exports, cascades, and a writer killed mid-transaction.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import type { MetricPoint } from '../../../src/shared/domain'
import { openDb, type Db } from '../../../src/main/store/db'
import { createRunsRepo, type NewRun } from '../../../src/main/store/runs-repo'
import { createExportsRepo } from '../../../src/main/store/exports-repo'

const dirs: string[] = []
const dbs: Db[] = []
afterEach(() => {
  while (dbs.length) dbs.pop()!.close()
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'wb-runs-repo-'))
  dirs.push(dir)
  const file = join(dir, 'workbench.db')
  const db = openDb(file)
  dbs.push(db)
  const now = new Date().toISOString()
  db.prepare(`INSERT INTO datasets (id, name, created_at) VALUES ('ds', 'ds', ?)`).run(now)
  db.prepare(`INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES ('v1', 'ds', ?, 'h', 1, '{}')`).run(now)
  return { db, repo: createRunsRepo(db), file, dir }
}

let clock = 0
function newRun(id: string, over: Partial<NewRun> = {}): NewRun {
  return {
    id,
    name: id,
    status: 'completed',
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, clock++)).toISOString(),
    datasetId: 'ds',
    datasetVersionId: 'v1',
    config: resolveConfig('quick'),
    parentRunId: null,
    parentKind: null,
    sweepId: null,
    runDir: `runs/${id}`,
    ...over,
  }
}

const point = (step: number, loss: number, split: MetricPoint['split'] = 'train'): MetricPoint => ({ step, epoch: 1, split, loss, time: step })

describe('runs repository', () => {
  it('round-trips a run with its config, tags and lineage', () => {
    const { repo } = fresh()
    repo.insert(newRun('a'))
    repo.insert(newRun('b', { parentRunId: 'a', parentKind: 'finetune', tags: ['x'], notes: 'n' }))
    const b = repo.get('b')!
    expect(b).toMatchObject({ parentRunId: 'a', parentKind: 'finetune', tags: ['x'], notes: 'n', starred: false, metrics: null })
    expect(b.config).toEqual(resolveConfig('quick'))
    expect(repo.get('nope')).toBeNull()
  })

  it('filters, searches (with LIKE wildcards taken literally) and sorts with missing metrics last', () => {
    const { repo } = fresh()
    repo.insert(newRun('a', { name: 'Apple 100%' }))
    repo.insert(newRun('b', { name: 'banana', status: 'failed' }))
    repo.insert(newRun('c', { name: 'cherry' }))
    repo.updateMeta('c', { starred: true, tags: ['fav', 'fav'] })
    const m = (accuracy: number) => ({ accuracy, macroF1: accuracy, weightedF1: 0, loss: 0, perClass: {}, confusion: [], labels: [] })
    repo.setResult('a', m(0.7), null)
    repo.setResult('c', m(0.9), null)
    expect(repo.list().map((r) => r.id)).toEqual(['c', 'b', 'a'])
    expect(repo.list({ sort: 'name' }).map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(repo.list({ sort: 'accuracy' }).map((r) => r.id)).toEqual(['c', 'a', 'b'])
    expect(repo.list({ sort: 'accuracy', order: 'asc' }).map((r) => r.id)).toEqual(['a', 'c', 'b'])
    expect(repo.list({ search: '0%' }).map((r) => r.id)).toEqual(['a'])
    expect(repo.list({ search: '_' }).map((r) => r.id)).toEqual([])
    expect(repo.list({ status: ['failed'] }).map((r) => r.id)).toEqual(['b'])
    expect(repo.list({ starred: true }).map((r) => r.id)).toEqual(['c'])
    expect(repo.get('c')!.tags).toEqual(['fav'])
    expect(repo.list({ tag: 'fav' }).map((r) => r.id)).toEqual(['c'])
    expect(repo.list({ tag: 'fa' }).map((r) => r.id)).toEqual([])
    expect(repo.list({ limit: 2, offset: 1 }).map((r) => r.id)).toEqual(['b', 'a'])
  })

  it('keeps a per-owner queue in order and sends a requeued run to the back', () => {
    const { repo } = fresh()
    for (const id of ['q1', 'q2', 'q3']) repo.insert(newRun(id, { status: 'queued', ownerId: 'me', ownerPid: 1 }))
    repo.insert(newRun('other', { status: 'queued', ownerId: 'someone-else', ownerPid: 1 }))
    expect(repo.nextQueued('me', 10)).toEqual(['q1', 'q2', 'q3'])
    repo.setStatus('q1', 'queued', { requeue: true })
    expect(repo.nextQueued('me', 2)).toEqual(['q2', 'q3'])
    expect(repo.nextQueued('me', 10)).toEqual(['q2', 'q3', 'q1'])
  })

  it('overwrites a metric step instead of duplicating it, and truncates past a checkpoint', () => {
    const { repo } = fresh()
    repo.insert(newRun('a'))
    repo.addMetrics([1, 2, 3, 4].map((s) => ({ runId: 'a', point: point(s, 1 / s) })))
    repo.addMetrics([{ runId: 'a', point: point(2, 0.25) }, { runId: 'a', point: point(2, 0.3, 'validation') }])
    expect(repo.metrics('a').map((p) => [p.step, p.split, p.loss])).toEqual([
      [1, 'train', 1],
      [2, 'train', 0.25],
      [2, 'validation', 0.3],
      [3, 'train', 1 / 3],
      [4, 'train', 0.25],
    ])
    repo.truncateMetrics('a', 2)
    expect(repo.metrics('a').map((p) => p.step)).toEqual([1, 2, 2])
    repo.truncateMetrics('a', null)
    expect(repo.metrics('a')).toEqual([])
  })

  it('replaces predictions, stores sweeps and exports, and deletes everything of a run together', () => {
    const { repo, db } = fresh()
    repo.insertSweep({ id: 's', name: 'sweep', createdAt: 'now', spec: { space: { a: [1] } }, metric: 'accuracy' })
    repo.insert(newRun('a', { sweepId: 's' }))
    repo.setPredictions('a', [{ index: 5, text: 't', label: 'x', predicted: 'y', probabilities: { x: 0.2, y: 0.8 } }])
    repo.setPredictions('a', [{ index: 7, text: 'u', label: 'x', predicted: 'x', probabilities: { x: 1 } }])
    expect(repo.predictions('a')).toEqual([{ index: 7, text: 'u', label: 'x', predicted: 'x', probabilities: { x: 1 } }])
    expect(repo.getSweep('s')).toMatchObject({ name: 'sweep', metric: 'accuracy', spec: { space: { a: [1] } } })
    expect(repo.list({ sweepId: 's' }).map((r) => r.id)).toEqual(['a'])
    const exportsRepo = createExportsRepo(db)
    exportsRepo.insert({ id: 'e', runId: 'a', createdAt: 'now', outDir: 'out', formats: ['tfjs'], ok: true, verification: { rows: 3 } })
    expect(exportsRepo.ofRun('a')).toMatchObject([{ id: 'e', ok: true, formats: ['tfjs'], verification: { rows: 3 } }])
    repo.addMetrics([{ runId: 'a', point: point(1, 1) }])
    expect(repo.delete('a')).toBe(true)
    const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n
    expect([count('runs'), count('run_metrics'), count('run_predictions'), count('exports')]).toEqual([0, 0, 0, 0])
  })

  it('survives a writer killed with SIGKILL mid-write: consistent, whole batches only', async () => {
    const { repo, file, dir, db } = fresh()
    repo.insert(newRun('r1', { status: 'running' }))
    const src = resolve(__dirname, '../../../src/main/store')
    const script = join(dir, 'writer.mts')
    writeFileSync(
      script,
      `import { openDb } from ${JSON.stringify(join(src, 'db.ts'))}
import { createRunsRepo } from ${JSON.stringify(join(src, 'runs-repo.ts'))}
const repo = createRunsRepo(openDb(process.argv[2]))
let step = 0
for (;;) {
  const batch = []
  for (let i = 0; i < 500; i++) { step++; batch.push({ runId: 'r1', point: { step, epoch: 1, split: 'train', loss: 1 / step, time: step } }) }
  repo.transaction(() => { repo.addMetrics(batch); repo.setProgress('r1', { epoch: 1, step, totalSteps: 1e9, etaSec: null }) })
}
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: 'ignore' })
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get() as { n: number }).n
    const t0 = Date.now()
    while (count() < 20_000 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    db.close()
    dbs.pop()
    const reopened = openDb(file)
    dbs.push(reopened)
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(reopened.pragma('foreign_key_check')).toEqual([])
    const again = createRunsRepo(reopened)
    const steps = again.metrics('r1').map((p) => p.step)
    expect(steps.length).toBeGreaterThanOrEqual(20_000)
    // Only whole transactions landed: a multiple of the batch, contiguous, matching the progress row.
    expect(steps.length % 500).toBe(0)
    expect(steps[steps.length - 1]).toBe(steps.length)
    expect(again.get('r1')!.progress!.step).toBe(steps.length)
  })
})
