// The runs service's queue, lifecycle, history, sweeps and comparisons, driven by a trainer
// stand-in that speaks the real protocol (see runs-fake-trainer.ts).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import type { RunEvent } from '../../../src/shared/domain'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { countParameters } from '../../../src/shared/run-cost'
import { resolveConfig } from '../../../src/shared/config'
import { createFakeSpawner, fakeLoss } from './runs-fake-trainer'
import { makeEnv, tinyConfig, twoClassData } from './runs-fixtures'

const envs: { cleanup(): Promise<void> }[] = []
function env(...args: Parameters<typeof makeEnv>) {
  const e = makeEnv(...args)
  envs.push(e)
  return e
}
afterEach(async () => {
  while (envs.length) await envs.pop()!.cleanup()
})

/** Call a handler that may throw synchronously or reject, as a promise. */
const attempt = <T>(fn: () => T) => Promise.resolve().then(fn)

/** Resolves once the run has reported a training step (an event, not a guessed delay). */
async function trainingStarted(events: RunEvent[], runId: string): Promise<void> {
  const t0 = Date.now()
  while (!events.some((e) => (e.type === 'metric' || e.type === 'progress') && e.runId === runId)) {
    if (Date.now() - t0 > 30_000) throw new Error('the run never reported a step')
    await new Promise((res) => setImmediate(res))
  }
}

const statusesOf = (events: RunEvent[], runId: string) =>
  events.filter((e): e is Extract<RunEvent, { type: 'status' }> => e.type === 'status' && e.runId === runId).map((e) => e.status)

describe('runs service: one run', () => {
  it('trains a run to completion and records config, backend, metrics, predictions and timings', async () => {
    const fake = createFakeSpawner()
    const { service, events, db } = env(fake.spawn)
    const started = await service.start({ datasetId: 'ds1', config: tinyConfig() })
    expect(['queued', 'running']).toContain(started.status)
    const run = await service.waitFor(started.id)
    expect(run.status).toBe('completed')
    expect(run.backend).toBe('cpu')
    expect(run.datasetVersionId).toBe('ds1_v1')
    expect(run.config.model.dModel).toBe(16)
    expect(run.startedAt && run.finishedAt && run.finishedAt >= run.startedAt).toBeTruthy()
    // 2 epochs x 5 steps: 10 train points, 2 validation points, no gaps or duplicates.
    const points = await service.metrics({ id: run.id })
    expect(points.filter((p) => p.split === 'train').map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(points.filter((p) => p.split === 'validation').map((p) => p.step)).toEqual([5, 10])
    // lr 0.001 -> the fake gets row 100 wrong: accuracy 0.9, with the confusion matrix to match.
    expect(run.metrics?.accuracy).toBeCloseTo(0.9)
    expect(run.metrics?.confusion).toEqual([[4, 1], [0, 5]])
    const preds = createRunsRepo(db).predictions(run.id)
    expect(preds.map((p) => p.index)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109])
    expect(preds[0]).toMatchObject({ index: 100, label: 'neg', predicted: 'pos', text: twoClassData().validation.texts[0] })
    expect(statusesOf(events, run.id)).toEqual(['queued', 'running', 'completed'])
    // The data the run trained on is kept with it, so resume never needs the dataset.
    expect(existsSync(join(service.runDir(run.id), 'data.json'))).toBe(true)
    // The evaluate job for validation predictions ran against the run's saved model.
    expect(fake.jobs.map((j) => j.kind)).toEqual(['train', 'evaluate'])
  })

  it('throttles progress events to about ten per second per run', async () => {
    const fake = createFakeSpawner({ stepsPerEpoch: 100, stepDelayMs: 2 })
    const { service, events } = env(fake.spawn)
    const t0 = Date.now()
    const run = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    const seconds = (Date.now() - t0) / 1000
    expect(run.status).toBe('completed')
    const progress = events.filter((e) => e.type === 'progress' && e.runId === run.id)
    // 200 steps arrived; far fewer events went out, and the last one reports the final step.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ step: 200, totalSteps: 200 })
    // The history still has every step.
    expect((await service.metrics({ id: run.id })).filter((p) => p.split === 'train')).toHaveLength(200)
  })

  it('refuses a one-class dataset, an invalid config and an absurd one with plain messages, storing nothing', async () => {
    const one = twoClassData()
    one.labels = ['spam']
    one.train.labels = one.train.labels.map(() => 0)
    one.validation.labels = one.validation.labels.map(() => 0)
    const { service } = env(createFakeSpawner().spawn, {}, { ds2_v1: one })
    await expect(attempt(() => service.start({ datasetId: 'ds2', config: tinyConfig() }))).rejects.toThrow(/at least two classes.*"spam"/)
    await expect(attempt(() => service.start({ datasetId: 'ds1', config: { model: { dModel: 60, nHeads: 7 } } }))).rejects.toBeInstanceOf(UserError)
    await expect(attempt(() => service.start({ datasetId: 'ds1', config: { model: { dModel: 60, nHeads: 7 } } }))).rejects.toThrow(/divisible/)
    await expect(
      Promise.resolve().then(() =>
        service.start({ datasetId: 'ds1', config: { model: { dModel: 1024, nLayers: 24, seqLen: 2048, nHeads: 16 }, train: { batchSize: 1024 } } }),
      ),
    ).rejects.toThrow(/memory|parameters/)
    expect(await service.list(undefined)).toEqual([])
  })

  it('marks a run failed with the trainer’s reason and keeps working', async () => {
    const fake = createFakeSpawner({ failAtStep: 3 })
    const { service } = env(fake.spawn)
    const a = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    expect(a.status).toBe('failed')
    expect(a.error).toMatch(/NaN/)
    const b = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    expect(b.status).toBe('completed')
  })
})

describe('runs service: queue and lifecycle', () => {
  it('runs a queue of three in order, one at a time, with the cancelled one skipped', async () => {
    const fake = createFakeSpawner({ stepDelayMs: 3 })
    const { service, events } = env(fake.spawn)
    const r1 = await service.start({ datasetId: 'ds1', name: 'one', config: tinyConfig() })
    const r2 = await service.start({ datasetId: 'ds1', name: 'two', config: tinyConfig() })
    const r3 = await service.start({ datasetId: 'ds1', name: 'three', config: tinyConfig() })
    expect([r1.status, r2.status, r3.status]).toEqual(['running', 'queued', 'queued'])
    expect((await service.cancel({ id: r2.id })).status).toBe('cancelled')
    const final = [await service.waitFor(r1.id), await service.waitFor(r2.id), await service.waitFor(r3.id)]
    expect(final.map((r) => r.status)).toEqual(['completed', 'cancelled', 'completed'])
    const order = events.filter((e) => e.type === 'status' && e.status === 'running').map((e) => e.runId)
    expect(order).toEqual([r1.id, r3.id])
    // One at a time: r3 started only after r1 completed.
    const seq = events.filter((e) => e.type === 'status').map((e) => `${e.runId}:${(e as { status: string }).status}`)
    expect(seq.indexOf(`${r3.id}:running`)).toBeGreaterThan(seq.indexOf(`${r1.id}:completed`))
    expect(fake.jobs.filter((j) => j.kind === 'train').map((j) => (j as { runId: string }).runId)).toEqual([r1.id, r3.id])
  })

  it('runs two at once when concurrency is 2', async () => {
    const fake = createFakeSpawner({ stepDelayMs: 3 })
    const { service } = env(fake.spawn, { concurrency: 2 })
    const r1 = await service.start({ datasetId: 'ds1', config: tinyConfig() })
    const r2 = await service.start({ datasetId: 'ds1', config: tinyConfig() })
    const r3 = await service.start({ datasetId: 'ds1', config: tinyConfig() })
    expect([r1.status, r2.status, r3.status]).toEqual(['running', 'running', 'queued'])
    await service.waitFor(r3.id)
  })

  it('refuses to start now when asked not to queue and the slot is taken', async () => {
    const { service } = env(createFakeSpawner({ stepDelayMs: 5 }).spawn)
    const r1 = await service.start({ datasetId: 'ds1', config: tinyConfig() })
    await expect(attempt(() => service.start({ datasetId: 'ds1', config: tinyConfig(), queue: false }))).rejects.toThrow(/queue/)
    await service.cancel({ id: r1.id })
  })

  it('cancels a running run', async () => {
    const { service } = env(createFakeSpawner({ stepDelayMs: 5 }).spawn)
    const r = await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 50 } }) })
    expect((await service.cancel({ id: r.id })).status).toBe('cancelled')
    await expect(attempt(() => service.cancel({ id: r.id }))).rejects.toThrow(/already ended/)
  })

  it('pauses at a checkpoint and resumes the same run with the same curve and no duplicate steps', async () => {
    // Steps slow enough (20 ms, 400 ms in all) that the pause lands mid-run even on a loaded machine.
    const fake = createFakeSpawner({ stepDelayMs: 20 })
    const { service, events } = env(fake.spawn)
    const r = await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 4 } }) })
    await trainingStarted(events, r.id)
    const paused = await service.pause({ id: r.id })
    expect(paused.status).toBe('paused')
    const mid = (await service.metrics({ id: r.id })).filter((p) => p.split === 'train')
    expect(mid.length).toBeGreaterThan(0)
    expect(mid.length).toBeLessThan(20)
    expect((await service.resume({ id: r.id })).id).toBe(r.id)
    const done = await service.waitFor(r.id)
    expect(done.status).toBe('completed')
    const train = (await service.metrics({ id: r.id })).filter((p) => p.split === 'train')
    expect(train.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(train.map((p) => p.loss)).toEqual(train.map((p) => fakeLoss(42, p.step)))
    const trainJobs = fake.jobs.filter((j) => j.kind === 'train') as Extract<(typeof fake.jobs)[number], { kind: 'train' }>[]
    expect(trainJobs.map((j) => j.resume)).toEqual([false, true])
    expect(new Set(trainJobs.map((j) => j.runId)).size).toBe(1)
  })

  it('marks a killed trainer interrupted, keeps serving, and resumes from the last checkpoint', async () => {
    const fake = createFakeSpawner({ crashAtStep: 8 })
    const { service, db } = env(fake.spawn)
    const r = await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 3 } }) })
    const crashed = await service.waitFor(r.id)
    expect(crashed.status).toBe('interrupted')
    expect(crashed.error).toMatch(/SIGKILL/)
    // Steps 6 and 7 ran after the checkpoint at step 5; they are dropped when resuming.
    expect(createRunsRepo(db).record(r.id)?.checkpointStep).toBe(5)
    const other = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    expect(other.status).toBe('completed')
    await service.resume({ id: r.id })
    const done = await service.waitFor(r.id)
    expect(done.status).toBe('completed')
    const train = (await service.metrics({ id: r.id })).filter((p) => p.split === 'train')
    expect(train.map((p) => p.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1))
  })

  it('close() pauses a running job so it can resume later', async () => {
    const fake = createFakeSpawner({ stepDelayMs: 3 })
    const e = env(fake.spawn)
    const r = await e.service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 20 } }) })
    await trainingStarted(e.events, r.id)
    await e.service.close()
    expect((await e.service.get({ id: r.id })).status).toBe('paused')
    const next = e.make()
    await next.resume({ id: r.id })
    expect((await next.waitFor(r.id)).status).toBe('completed')
    await next.close()
  })
})

describe('runs service: recovery after a dead process', () => {
  it('marks runs of dead owners interrupted and leaves a live owner’s runs alone', async () => {
    const { service, db } = env(createFakeSpawner().spawn)
    const repo = createRunsRepo(db)
    const config = resolveConfig(null)
    const base = { createdAt: new Date().toISOString(), datasetId: 'ds1', datasetVersionId: 'ds1_v1', config, parentRunId: null, parentKind: null, sweepId: null }
    // A dead pid; our own pid but an owner instance that no longer exists; a live other process.
    repo.insert({ ...base, id: 'r_dead', name: 'dead', status: 'running', runDir: '/x/1', ownerPid: 2 ** 22 + 17, ownerId: 'o1' })
    repo.insert({ ...base, id: 'r_restart', name: 'restart', status: 'queued', runDir: '/x/2', ownerPid: process.pid, ownerId: 'o2' })
    repo.insert({ ...base, id: 'r_live', name: 'live', status: 'running', runDir: '/x/3', ownerPid: process.ppid, ownerId: 'o3' })
    repo.insert({ ...base, id: 'r_done', name: 'done', status: 'completed', runDir: '/x/4' })
    expect(service.recoverInterrupted()).toBe(2)
    expect((await service.get({ id: 'r_dead' })).status).toBe('interrupted')
    expect((await service.get({ id: 'r_dead' })).error).toMatch(/stopped while this run was training/)
    expect((await service.get({ id: 'r_restart' })).status).toBe('interrupted')
    expect((await service.get({ id: 'r_live' })).status).toBe('running')
    expect((await service.get({ id: 'r_done' })).status).toBe('completed')
    // A live owner whose heartbeat went stale is dead too.
    db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(Date.now() - 60_000, 'r_live')
    expect(service.recoverInterrupted()).toBe(1)
  })

  it('leaves runs of another live service instance alone', async () => {
    const e = env(createFakeSpawner({ stepDelayMs: 5 }).spawn)
    const r = await e.service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 10 } }) })
    const second = e.make()
    expect(second.recoverInterrupted()).toBe(0)
    // The second instance cannot resume or delete what the first is training.
    await expect(attempt(() => second.resume({ id: r.id }))).rejects.toThrow(/already training/)
    await second.close()
    await e.service.cancel({ id: r.id })
  })
})

describe('runs service: history', () => {
  it('renames, tags, stars, searches, filters, sorts and deletes runs with their files', async () => {
    const { service } = env(createFakeSpawner().spawn)
    const a = await service.waitFor((await service.start({ datasetId: 'ds1', name: 'alpha', config: tinyConfig() })).id)
    const b = await service.waitFor((await service.start({ datasetId: 'ds1', name: 'beta', config: tinyConfig({ train: { learningRate: 0.0003 } }) })).id)
    await service.update({ id: a.id, name: 'Alpha renamed', notes: 'baseline 50%_done', tags: ['base', 'base', 'small'], starred: true })
    expect(await service.get({ id: a.id })).toMatchObject({ name: 'Alpha renamed', tags: ['base', 'small'], starred: true })
    expect((await service.list({ search: 'renamed' })).map((r) => r.id)).toEqual([a.id])
    expect((await service.list({ search: '50%_' })).map((r) => r.id)).toEqual([a.id])
    expect((await service.list({ search: '%' })).map((r) => r.id)).toEqual([a.id])
    expect((await service.list({ tag: 'small' })).map((r) => r.id)).toEqual([a.id])
    expect((await service.list({ starred: false })).map((r) => r.id)).toEqual([b.id])
    expect((await service.list({ status: ['completed'], sort: 'name', order: 'asc' })).map((r) => r.name)).toEqual(['Alpha renamed', 'beta'])
    // a got 9/10 right, b 7/10: accuracy sorts descending by default.
    expect((await service.list({ sort: 'accuracy' })).map((r) => r.id)).toEqual([a.id, b.id])
    expect((await service.list({ sort: 'accuracy', order: 'asc' })).map((r) => r.id)).toEqual([b.id, a.id])
    expect((await service.list({ limit: 1, offset: 1 })).length).toBe(1)
    await expect(attempt(() => service.update({ id: a.id, name: '   ' }))).rejects.toThrow(/name/)
    const dir = service.runDir(b.id)
    expect(existsSync(dir)).toBe(true)
    expect(await service.delete({ id: b.id })).toEqual({ deleted: true })
    expect(existsSync(dir)).toBe(false)
    await expect(attempt(() => service.get({ id: b.id }))).rejects.toThrow(/no run/)
    expect(await service.delete({ id: b.id })).toEqual({ deleted: false })
  })

  it('fine-tunes from a finished run: lineage recorded, the parent model handed to the trainer', async () => {
    const fake = createFakeSpawner({ stepDelayMs: 2 })
    const { service } = env(fake.spawn)
    const parent = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    const child = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig({ finetune: { fromRunId: parent.id } }) })).id)
    expect(child).toMatchObject({ status: 'completed', parentRunId: parent.id, parentKind: 'finetune' })
    const job = fake.jobs.filter((j) => j.kind === 'train').at(-1) as { initFrom: string | null }
    expect(job.initFrom).toBe(join(service.runDir(parent.id), 'model'))
    // The child records the base model's shape and tokenizer, whatever the preset or request said.
    const wider = await service.start({
      datasetId: 'ds1',
      preset: 'balanced',
      config: tinyConfig({ finetune: { fromRunId: parent.id }, model: { dModel: 64, nHeads: 4, dropout: 0.3 }, tokenizer: { kind: 'char' } }),
    })
    const { dropout, attnDropout, pooling, ...shape } = wider.config.model
    const { dropout: _d, attnDropout: _a, pooling: _p, ...parentShape } = parent.config.model
    expect(shape).toEqual(parentShape)
    expect(dropout).toBe(0.3) // regularisation is this run's own
    expect([attnDropout, pooling]).toEqual([0.1, 'cls'])
    expect(wider.config.tokenizer).toEqual(parent.config.tokenizer)
    await service.waitFor(wider.id)
    // A run with no model cannot be a parent.
    const running = await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 30 } }) })
    await expect(attempt(() => service.start({ datasetId: 'ds1', config: tinyConfig({ finetune: { fromRunId: running.id } }) }))).rejects.toThrow(
      /no saved model/,
    )
    await service.cancel({ id: running.id })
  })

  it('plans: parameter count, memory, and a duration once this machine has measured a run', async () => {
    const { service } = env(createFakeSpawner().spawn)
    const first = await service.plan({ datasetId: 'ds1', config: tinyConfig() })
    // Hand count: V = distinct training words + 5 specials (under the configured 64), D=16, 1 block, F=32, T=16, 2 classes.
    const words = new Set(twoClassData().train.texts.flatMap((t) => t.split(' ')))
    const V = words.size + 5, D = 16, F = 32
    expect(V).toBeLessThan(64)
    const block = 2 * D + (4 * D * D + 4 * D) + 2 * D + (2 * D * F + F + D)
    expect(first.parameters).toBe(V * D + 17 * D + block + 2 * D + D * 2 + 2)
    expect(countParameters(first.config, 2)).toBe(first.parameters + (64 - V) * D)
    expect(first.memoryMb).toBeGreaterThan(100)
    expect(first.estimatedSeconds).toBeNull()
    await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    const second = await service.plan({ datasetId: 'ds1', config: tinyConfig() })
    expect(second.estimatedSeconds).toBeGreaterThan(0)
    const bigger = await service.plan({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 20 } }) })
    expect(bigger.estimatedSeconds!).toBeGreaterThan(second.estimatedSeconds!)
    expect(second.warnings.join(' ')).toMatch(/training examples/)
  })

  it('a preset sized for 128 training rows picks a vocabulary the plan does not then call too large', async () => {
    // 128 training texts of varied words (about 3,000 distinct): the words alone would ask for 1,500 entries.
    const text = (i: number) => Array.from({ length: 30 }, (_, j) => `w${(i * 31 + j * 7) % 3000}`).join(' ')
    const texts = (n: number, off: number) => Array.from({ length: n }, (_, i) => text(off + i))
    const data = { labels: ['a', 'b'], train: { texts: texts(128, 0), labels: Array.from({ length: 128 }, (_, i) => i % 2) }, validation: { texts: texts(20, 500), labels: Array.from({ length: 20 }, (_, i) => i % 2), indices: Array.from({ length: 20 }, (_, i) => 500 + i) } }
    const { service } = env(createFakeSpawner().spawn, {}, { small_v1: data })
    const sized = await service.plan({ datasetId: 'small', preset: 'balanced' })
    expect(sized.config.tokenizer.vocabSize).toBe(500)
    expect(sized.warnings.join(' ')).not.toMatch(/vocabulary/i)
    // Asking for more than 128 rows can teach is still warned about, naming the same limit.
    const asked = await service.plan({ datasetId: 'small', preset: 'balanced', config: { tokenizer: { vocabSize: 1500 } } })
    expect(asked.warnings.join(' ')).toContain('The vocabulary (1500) is large for 128 examples, which can teach about 512 entries')
    // The same warning as a code with its numbers, for the UI's languages.
    const i = asked.warnings.findIndex((w) => w.startsWith('The vocabulary'))
    expect(asked.warningCodes![i]).toMatchObject({ code: 'vocabLarge', params: { vocab: 1500, n: 128, limit: 512 } })
    expect(asked.warningCodes!.map((w) => w.text)).toEqual(asked.warnings)
  })

  it('calibrates: the duration comes from the measured throughput, and the measurement is cached per config', async () => {
    const fake = createFakeSpawner({ calibratedTokensPerSec: 40 })
    const { service } = env(fake.spawn)
    const before = await service.plan({ datasetId: 'ds1', config: tinyConfig() })
    expect(before.estimatedSeconds).toBeNull()
    expect(before.calibration).toBeUndefined()
    const measured = await service.calibrate({ datasetId: 'ds1', config: tinyConfig() })
    expect(measured.calibration).toEqual({ tokensPerSec: 40, msPerStep: (8 * 16 * 1000) / 40, backend: 'cpu' })
    // Word tokens + [CLS] per text, 20 training texts, 2 epochs, plus 5% for validation.
    const epochTokens = twoClassData().train.texts.reduce((n, t) => n + t.split(' ').length + 1, 0)
    expect(measured.estimatedSeconds).toBe(Math.round((2 * epochTokens * 1.05) / 40))
    expect(measured.parameters).toBe(before.parameters)
    // Asking again, or planning, reuses the measurement: still one trainer job.
    const again = await service.calibrate({ datasetId: 'ds1', config: tinyConfig() })
    const planned = await service.plan({ datasetId: 'ds1', config: tinyConfig() })
    expect(again.estimatedSeconds).toBe(measured.estimatedSeconds)
    expect(planned.estimatedSeconds).toBe(measured.estimatedSeconds)
    expect(planned.calibration).toEqual(measured.calibration)
    // More epochs train the same steps longer: same measurement, longer estimate.
    const longer = await service.calibrate({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 4 } }) })
    expect(longer.estimatedSeconds).toBe(Math.round((4 * epochTokens * 1.05) / 40))
    expect(fake.jobs.map((j) => j.kind)).toEqual(['calibrate'])
    // A different batch size is a different workload: measured anew.
    await service.calibrate({ datasetId: 'ds1', config: tinyConfig({ train: { batchSize: 4 } }) })
    expect(fake.jobs.map((j) => j.kind)).toEqual(['calibrate', 'calibrate'])
    // The job sizes the embedding with the vocabulary the tokenizer will learn: distinct words + 5 specials.
    const words = new Set(twoClassData().train.texts.flatMap((t) => t.split(' ')))
    expect(fake.jobs[0]).toMatchObject({ kind: 'calibrate', nClasses: 2, vocabSize: words.size + 5 })
  })

  it('calibrates two concurrent asks for one config with one trainer job, and refuses an absurd config without one', async () => {
    const fake = createFakeSpawner({ stepDelayMs: 20 })
    const { service } = env(fake.spawn)
    const [a, b] = await Promise.all([
      service.calibrate({ datasetId: 'ds1', config: tinyConfig() }),
      service.calibrate({ datasetId: 'ds1', config: tinyConfig() }),
    ])
    expect(a.estimatedSeconds).toBe(b.estimatedSeconds)
    expect(fake.jobs).toHaveLength(1)
    await expect(attempt(() => service.calibrate({ datasetId: 'ds1', config: tinyConfig({ train: { batchSize: 1024 }, model: { seqLen: 2048, dModel: 1024, nLayers: 24 } }) }))).rejects.toThrow(UserError)
    expect(fake.jobs).toHaveLength(1)
  })
})

describe('runs service: sweeps and comparison', () => {
  it('queues a sweep of four as a group, runs them all and names the best', async () => {
    const fake = createFakeSpawner()
    const { service } = env(fake.spawn)
    const { sweepId, runs } = await service.sweep({
      datasetId: 'ds1',
      config: tinyConfig(),
      space: { 'train.learningRate': [0.0002, 0.0005], 'train.batchSize': [4, 8] },
      strategy: 'grid',
      metric: 'accuracy',
    })
    expect(runs).toHaveLength(4)
    expect(new Set(runs.map((r) => `${r.config.train.learningRate}/${r.config.train.batchSize}`)).size).toBe(4)
    for (const r of runs) await service.waitFor(r.id)
    const result = await service.sweepResult({ sweepId })
    expect(result.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
    // lr 5e-4 -> the fake gets only index % 5 == 0 wrong (2 of 10), better than lr 2e-4 (every second).
    const best = result.runs.find((r) => r.id === result.bestRunId)!
    expect(best.config.train.learningRate).toBe(0.0005)
    expect(best.metrics!.accuracy).toBe(Math.max(...result.runs.map((r) => r.metrics!.accuracy)))
    // All on the same dataset version.
    expect(new Set(result.runs.map((r) => r.datasetVersionId))).toEqual(new Set(['ds1_v1']))
    await expect(
      attempt(() => service.sweep({ datasetId: 'ds1', space: { 'train.nope': [1] }, strategy: 'grid', metric: 'accuracy' })),
    ).rejects.toThrow(/not a setting/)
  })

  it('compares two runs: only differing keys, aligned series, and a correct prediction diff', async () => {
    const { service } = env(createFakeSpawner().spawn)
    // Base gets index%2==0 wrong (100,102,..,108); other gets index%5==0 wrong (100,105).
    const a = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { learningRate: 0.0002 } }) })).id)
    const b = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { learningRate: 0.0005 } }) })).id)
    const cmp = await service.compare({ ids: [a.id, b.id] })
    expect(cmp.configDiff).toEqual([{ key: 'train.learningRate', label: 'Learning rate', values: [0.0002, 0.0005] }])
    expect(cmp.series.map((s) => s.points.length)).toEqual([12, 12])
    expect(cmp.metrics.map((m) => m.metrics?.accuracy)).toEqual([0.5, 0.8])
    expect(cmp.predictionDiff).toHaveLength(1)
    const d = cmp.predictionDiff[0]
    expect(d.baseRunId).toBe(a.id)
    expect(d.fixed.map((r) => r.index)).toEqual([102, 104, 106, 108])
    expect(d.broken.map((r) => r.index)).toEqual([105])
    expect(d.bothWrong.map((r) => r.index)).toEqual([100])
    expect(d.fixed[0]).toMatchObject({ label: 'neg', basePredicted: 'pos', otherPredicted: 'neg', text: twoClassData().validation.texts[2] })
    await expect(attempt(() => service.compare({ ids: [a.id, a.id] }))).rejects.toThrow(/different runs/)
  })

  it('evaluates, predicts and shows attention through trainer jobs', async () => {
    const fake = createFakeSpawner()
    const { service } = env(fake.spawn)
    const r = await service.waitFor((await service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    const ev = await service.evaluate({ id: r.id })
    expect(ev.predictions).toHaveLength(10)
    expect(ev.predictions[0]).toMatchObject({ index: 100, label: 'neg', predicted: 'pos' })
    expect(ev.metrics.accuracy).toBeCloseTo(0.9)
    const p = await service.predict({ id: r.id, text: 'good text' })
    expect(Object.keys(p.probabilities).sort()).toEqual(['neg', 'pos'])
    // Asking again for the same text reuses the answer instead of starting another trainer.
    const jobsBefore = fake.jobs.length
    expect(await service.predict({ id: r.id, text: 'good text' })).toEqual(p)
    expect(fake.jobs.length).toBe(jobsBefore)
    const att = await service.attention({ ids: [r.id], text: 'good text' })
    expect(att.runs[0].prediction.attention.tokens).toEqual(['good', 'text'])
    const pending = await service.start({ datasetId: 'ds1', config: tinyConfig({ train: { epochs: 40 } }) })
    await expect(attempt(() => service.predict({ id: pending.id, text: 'x' }))).rejects.toThrow(/no trained model/)
    await service.cancel({ id: pending.id })
  })
})
