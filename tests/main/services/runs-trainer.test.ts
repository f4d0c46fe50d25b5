// The runs service with the real trainer process and engine, on a tiny dataset and model (cpu
// backend, deterministic): kill -9 the trainer mid-epoch, kill the main process mid-write, resume
// to the same final metrics; a queue with a cancellation; a sweep; a comparison.
import { spawn as spawnProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricPoint, Run } from '../../../src/shared/domain'
import type { JobData, TrainerMessage } from '../../../src/shared/trainer-protocol'
import { createRunService, type RunService } from '../../../src/main/services/runs'
import { createNodeSpawner, type SpawnTrainer } from '../../../src/main/services/trainer-host'
import { openDb, type Db } from '../../../src/main/store/db'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { seedDataset } from './runs-fixtures'

const trainerEnv = { WORKBENCH_BACKEND: 'cpu' }

/** Label depends on which marker word appears: learnable by a one-block model in a few epochs. */
function markerData(): JobData {
  const fill = ['the', 'a', 'report', 'said', 'today', 'very', 'new', 'city', 'team', 'market']
  const make = (n: number, off: number) => {
    const texts: string[] = []
    const labels: number[] = []
    for (let i = 0; i < n; i++) {
      const label = (i * 7 + off) % 3
      const words = Array.from({ length: 6 + ((i + off) % 5) }, (_, j) => fill[(i * 3 + j * 5 + off) % fill.length])
      words.splice((i + off) % words.length, 0, ['goal', 'stock', 'vote'][label])
      texts.push(words.join(' '))
      labels.push(label)
    }
    return { texts, labels }
  }
  const train = make(48, 0)
  const validation = make(18, 1)
  return { labels: ['sports', 'business', 'politics'], train, validation: { ...validation, indices: validation.texts.map((_, i) => 1000 + i) } }
}

const config = (over: Record<string, unknown> = {}) => ({
  model: { dModel: 16, nHeads: 2, nLayers: 1, seqLen: 16, ffnDim: 32, dropout: 0.1, attnDropout: 0 },
  tokenizer: { kind: 'word', vocabSize: 64 },
  train: { epochs: 3, batchSize: 8, learningRate: 0.01, patience: 0, seed: 7, ...((over.train as object) ?? {}) },
  ...Object.fromEntries(Object.entries(over).filter(([k]) => k !== 'train')),
})

interface Env {
  home: string
  db: Db
  service: RunService
}
const homes: string[] = []
function makeEnv(spawn: SpawnTrainer = createNodeSpawner({ env: trainerEnv })): Env {
  const home = mkdtempSync(join(tmpdir(), 'wb-runs-real-'))
  homes.push(home)
  const db = openDb(join(home, 'workbench.db'))
  seedDataset(db, 'ds')
  const service = createRunService({
    db,
    home,
    spawn,
    datasets: { resolveVersion: (datasetId) => ({ datasetId, versionId: 'ds_v1' }), loadSplitRows: () => markerData() },
    emit: () => {},
  })
  return { home, db, service }
}
const envs: Env[] = []
afterAll(async () => {
  for (const e of envs) {
    await e.service.close()
    e.db.close()
  }
  for (const h of homes) rmSync(h, { recursive: true, force: true })
})

const trainLosses = (points: MetricPoint[]) => points.filter((p) => p.split === 'train')

function expectSameTraining(a: { run: Run; points: MetricPoint[] }, b: { run: Run; points: MetricPoint[] }) {
  const ta = trainLosses(a.points)
  const tb = trainLosses(b.points)
  // Same steps, each once, and the same curve.
  expect(tb.map((p) => p.step)).toEqual(ta.map((p) => p.step))
  tb.forEach((p, i) => expect(p.loss).toBeCloseTo(ta[i].loss, 4))
  expect(b.run.metrics!.accuracy).toBeCloseTo(a.run.metrics!.accuracy, 6)
  expect(b.run.metrics!.macroF1).toBeCloseTo(a.run.metrics!.macroF1, 6)
  expect(b.run.metrics!.loss).toBeCloseTo(a.run.metrics!.loss, 4)
  expect(b.run.metrics!.confusion).toEqual(a.run.metrics!.confusion)
}

describe('runs with the real trainer', () => {
  let reference: { run: Run; points: MetricPoint[] }

  beforeAll(async () => {
    const e = makeEnv()
    envs.push(e)
    const run = await e.service.waitFor((await e.service.start({ datasetId: 'ds', config: config() })).id)
    expect(run.error).toBeNull()
    expect(run.status).toBe('completed')
    reference = { run, points: await e.service.metrics({ id: run.id }) }
  })

  it('records a finished run: backend, per-class metrics, confusion and validation predictions', () => {
    const { run, points } = reference
    expect(run.backend).toBe('cpu')
    expect(Object.keys(run.metrics!.perClass).sort()).toEqual(['business', 'politics', 'sports'])
    expect(run.metrics!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(18)
    expect(points.filter((p) => p.split === 'validation').length).toBeGreaterThanOrEqual(1)
    const e = envs[0]
    const preds = createRunsRepo(e.db).predictions(run.id)
    expect(preds.map((p) => p.index)).toEqual(markerData().validation.indices)
    const right = preds.filter((p) => p.label === p.predicted).length
    expect(right / preds.length).toBeCloseTo(run.metrics!.accuracy, 6)
    // The classic baseline was trained beside it and scored on the same rows (no test split here).
    expect(run.metrics!.baseline).toMatchObject({ kind: 'tfidf-logreg', split: 'validation', rows: 18 })
    expect(run.metrics!.baseline!.split).toBe(run.metrics!.split)
    expect(run.metrics!.baseline!.rows).toBe(run.metrics!.rows)
    expect(run.metrics!.baseline!.accuracy).toBe(1)
  })

  it('kill -9 of the trainer mid-epoch leaves an interrupted run that resumes to the same result', async () => {
    let killed = false
    let checkpointStep = -1
    // What the second trainer was asked to do and the first step it reported.
    let resumedJob: { resume: boolean } | null = null
    let firstResumedStep: number | null = null
    const base = createNodeSpawner({ env: trainerEnv })
    // Watch the raw protocol; after a checkpoint, kill the process a step or two later (mid-epoch).
    const watching: SpawnTrainer = () => {
      const h = base()
      const second = killed
      if (second) {
        const send = h.send.bind(h)
        h.send = (msg) => {
          // (the finished run's validation scoring starts an 'evaluate' job afterwards)
          if (msg.type === 'start' && msg.job.kind === 'train' && !resumedJob) resumedJob = { resume: msg.job.resume }
          send(msg)
        }
      }
      h.onMessage((m: TrainerMessage) => {
        if (second && m.type === 'progress' && firstResumedStep === null) firstResumedStep = m.step
        if (killed) return
        if (m.type === 'checkpoint') checkpointStep = m.step
        if (m.type === 'progress' && checkpointStep >= 0 && m.step >= checkpointStep + 2 && m.step % 6 !== 0) {
          killed = true
          process.kill(h.pid!, 'SIGKILL')
        }
      })
      return h
    }
    const e = makeEnv(watching)
    envs.push(e)
    const started = await e.service.start({ datasetId: 'ds', config: config() })
    const crashed = await e.service.waitFor(started.id)
    expect(killed).toBe(true)
    expect(crashed.status).toBe('interrupted')
    expect(crashed.error).toMatch(/SIGKILL|stopped unexpectedly/)
    await e.service.resume({ id: started.id })
    const done = await e.service.waitFor(started.id)
    expect(done.status).toBe('completed')
    expect(done.id).toBe(started.id)
    // It really resumed: the trainer was told to, and its first step is the one after the checkpoint
    // (a silent restart from scratch would report step 1 and still reach the same deterministic end).
    expect(resumedJob).toEqual({ resume: true })
    expect(checkpointStep).toBeGreaterThan(0)
    expect(firstResumedStep).toBe(checkpointStep + 1)
    expectSameTraining(reference, { run: done, points: await e.service.metrics({ id: done.id }) })
  })

  it('SIGKILL of the main process mid-run: the database is consistent and the run resumes to the same result', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wb-runs-main-kill-'))
    homes.push(home)
    const dbFile = join(home, 'workbench.db')
    const seed = openDb(dbFile)
    seedDataset(seed, 'ds')
    const dataFile = join(home, 'data.json')
    writeFileSync(dataFile, JSON.stringify(markerData()))
    const src = resolve(__dirname, '../../../src/main')
    const script = join(home, 'main.mts')
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs'
import { openDb } from ${JSON.stringify(join(src, 'store/db.ts'))}
import { createRunService } from ${JSON.stringify(join(src, 'services/runs.ts'))}
import { createNodeSpawner } from ${JSON.stringify(join(src, 'services/trainer-host.ts'))}
const data = JSON.parse(readFileSync(${JSON.stringify(dataFile)}, 'utf8'))
const service = createRunService({
  db: openDb(${JSON.stringify(dbFile)}), home: ${JSON.stringify(home)},
  spawn: createNodeSpawner({ env: ${JSON.stringify(trainerEnv)} }),
  datasets: { resolveVersion: (datasetId) => ({ datasetId, versionId: 'ds_v1' }), loadSplitRows: () => data },
  emit: () => {},
})
await service.start({ datasetId: 'ds', config: JSON.parse(process.argv[2]) })
setInterval(() => {}, 1000)
`,
    )
    // Its own process group, so the kill takes the app and its trainer down together, as a crash of
    // the machine or a kill of the process tree does.
    // The kill must land after a checkpoint and before the end. An epoch of this tiny task takes
    // well under a second, so thirty of them keep that window open for seconds even when a loaded
    // machine starves this poller.
    const longer = config({ train: { epochs: 30 } })
    const e = makeEnv()
    envs.push(e)
    const uninterrupted = await e.service.waitFor((await e.service.start({ datasetId: 'ds', config: longer })).id)
    expect(uninterrupted.status).toBe('completed')
    const longReference = { run: uninterrupted, points: await e.service.metrics({ id: uninterrupted.id }) }
    const child = spawnProcess(process.execPath, ['--import', 'tsx', script, JSON.stringify(longer)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    let childErr = ''
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()))
    let childExit: number | null | undefined
    child.once('exit', (code) => (childExit = code))
    // Kill it once a checkpoint is recorded and training has gone past it.
    const row = () =>
      seed.prepare(`SELECT id, checkpoint_step AS ck, (SELECT MAX(step) FROM run_metrics WHERE run_id = runs.id) AS last FROM runs`).get() as
        | { id: string; ck: number | null; last: number | null }
        | undefined
    const t0 = Date.now()
    for (;;) {
      const r = row()
      if (r && r.ck !== null && r.last !== null && r.last > r.ck) break
      if (r && (seed.prepare('SELECT status FROM runs WHERE id = ?').get(r.id) as { status: string }).status === 'completed') {
        throw new Error('the run finished before the kill could land; make it longer')
      }
      if (childExit !== undefined) throw new Error(`the app process exited early (code ${childExit}):\n${childErr}`)
      if (Date.now() - t0 > 150_000) throw new Error(`the child never reached a checkpoint (last state ${JSON.stringify(r)}):\n${childErr}`)
      await new Promise((res) => setTimeout(res, 20))
    }
    const exited = new Promise((res) => (childExit !== undefined ? res(childExit) : child.once('exit', res)))
    process.kill(-child.pid!, 'SIGKILL')
    await exited
    seed.close()

    const db = openDb(dbFile)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    const recorded = (db.prepare('SELECT checkpoint_step AS ck FROM runs').get() as { ck: number }).ck
    // Watch the resumed trainer: it must be told to resume and start after the checkpoint.
    let resumed: boolean | null = null
    let firstStep: number | null = null
    const plain = createNodeSpawner({ env: trainerEnv })
    const watching: SpawnTrainer = () => {
      const h = plain()
      const send = h.send.bind(h)
      h.send = (msg) => {
        if (msg.type === 'start' && msg.job.kind === 'train' && resumed === null) resumed = msg.job.resume
        send(msg)
      }
      h.onMessage((m: TrainerMessage) => {
        if (m.type === 'progress' && firstStep === null) firstStep = m.step
      })
      return h
    }
    const service = createRunService({
      db,
      home,
      spawn: watching,
      datasets: { resolveVersion: () => { throw new Error('the dataset is not needed to resume') }, loadSplitRows: () => { throw new Error('unused') } },
      emit: () => {},
    })
    envs.push({ home, db, service })
    expect(service.recoverInterrupted()).toBe(1)
    const [run] = await service.list(undefined)
    expect(run.status).toBe('interrupted')
    await service.resume({ id: run.id })
    const done = await service.waitFor(run.id)
    expect(done.status).toBe('completed')
    expect(resumed).toBe(true)
    // The trainer may hold a checkpoint newer than the one recorded before the kill, never an older one.
    expect(firstStep).toBeGreaterThanOrEqual(recorded + 1)
    expectSameTraining(longReference, { run: done, points: await service.metrics({ id: run.id }) })
  }, 240_000)

  it('runs a queue of three in order with the middle one cancelled', async () => {
    const e = makeEnv()
    envs.push(e)
    const quick = config({ train: { epochs: 1 } })
    const ids = [
      (await e.service.start({ datasetId: 'ds', name: 'first', config: quick })).id,
      (await e.service.start({ datasetId: 'ds', name: 'second', config: quick })).id,
      (await e.service.start({ datasetId: 'ds', name: 'third', config: quick })).id,
    ]
    expect((await e.service.get({ id: ids[1] })).status).toBe('queued')
    await e.service.cancel({ id: ids[1] })
    const runs = [] as Run[]
    for (const id of ids) runs.push(await e.service.waitFor(id))
    expect(runs.map((r) => r.status)).toEqual(['completed', 'cancelled', 'completed'])
    expect(runs[2].startedAt! >= runs[0].finishedAt!).toBe(true)
    expect(runs[1].startedAt).toBeNull()
  })

  it('runs a sweep of four, names the best, and compares two of its runs', async () => {
    const e = makeEnv()
    envs.push(e)
    const { sweepId, runs } = await e.service.sweep({
      datasetId: 'ds',
      config: config({ train: { epochs: 2 } }),
      space: { 'train.learningRate': [0.001, 0.01], 'model.dModel': [8, 16] },
      strategy: 'grid',
      metric: 'macroF1',
    })
    expect(runs).toHaveLength(4)
    for (const r of runs) await e.service.waitFor(r.id)
    const result = await e.service.sweepResult({ sweepId })
    expect(result.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
    const best = Math.max(...result.runs.map((r) => r.metrics!.macroF1))
    expect(result.runs.find((r) => r.id === result.bestRunId)!.metrics!.macroF1).toBe(best)

    // Two runs that differ only in the learning rate (dModel 16 both).
    const [a, b] = result.runs.filter((r) => r.config.model.dModel === 16)
    const cmp = await e.service.compare({ ids: [a.id, b.id] })
    expect(cmp.configDiff.map((d) => d.key)).toEqual(['train.learningRate'])
    expect(cmp.configDiff[0].values).toEqual([a.config.train.learningRate, b.config.train.learningRate])
    // The expected diff, from a fresh evaluation of both models on the same rows.
    const [ea, eb] = [await e.service.evaluate({ id: a.id }), await e.service.evaluate({ id: b.id })]
    const okB = new Map(eb.predictions.map((p) => [p.index, p.predicted === p.label]))
    const expected = { fixed: [] as number[], broken: [] as number[], bothWrong: [] as number[] }
    for (const p of ea.predictions) {
      const okA = p.predicted === p.label
      if (!okA && okB.get(p.index)) expected.fixed.push(p.index)
      else if (okA && !okB.get(p.index)) expected.broken.push(p.index)
      else if (!okA && !okB.get(p.index)) expected.bothWrong.push(p.index)
    }
    const d = cmp.predictionDiff[0]
    expect({ fixed: d.fixed.map((r) => r.index), broken: d.broken.map((r) => r.index), bothWrong: d.bothWrong.map((r) => r.index) }).toEqual(expected)
  })
})
