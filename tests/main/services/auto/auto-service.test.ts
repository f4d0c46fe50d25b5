// The Auto service over the real runs service and a stand-in trainer: trials are ordinary runs in
// one group, the winner is chosen on validation rows, and the test rows never decide it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAutoService } from '../../../../src/main/services/auto/auto-service'
import { createAutoStore } from '../../../../src/main/services/auto/auto-store'
import { createBaseService } from '../../../../src/main/services/bases'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { createFakeSpawner } from '../runs-fake-trainer'
import { makeEnv, type RunsEnv } from '../runs-fixtures'

// The stand-in model gets row i wrong when index % wrongMod === 0. Validation indices avoid
// multiples of 3 (a wrongMod-3 model is perfect there) and hold one multiple of 7; the test
// indices are all multiples of 3 and none of 7. So the wrongMod-3 trial wins on validation and
// scores 0% on test, while every other trial scores 90% on validation and 100% on test: a search
// that looked at test rows would pick another trial.
function trapData(): JobData {
  const val = [100, 101, 103, 104, 106, 107, 109, 110, 112, 113]
  const test = [300, 303, 306, 309, 312, 318, 321, 324, 327, 330]
  const texts = (n: number, off: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'great fine good' : 'awful bad poor'} text ${off + i}`)
  return {
    labels: ['neg', 'pos'],
    train: { texts: texts(20, 0), labels: Array.from({ length: 20 }, (_, i) => i % 2) },
    validation: { texts: texts(10, 100), labels: val.map((_, i) => i % 2), indices: val },
    test: { texts: texts(10, 300), labels: test.map((_, i) => i % 2), indices: test },
  }
}

const envs: RunsEnv[] = []
afterEach(async () => {
  while (envs.length) await envs.pop()!.cleanup()
})

describe('Auto service', () => {
  it('groups its trials, picks the best by validation and reports only the winner’s test score', async () => {
    // Only the learning-rate x0.3 candidate (3e-4) gets the validation-perfect, test-hopeless model.
    const fake = createFakeSpawner({ stepsPerEpoch: 2, wrongMod: (job) => (Math.abs(job.config.train.learningRate - 3e-4) < 1e-9 ? 3 : 7) })
    const e = makeEnv(fake.spawn, {}, { trap_v1: trapData() })
    envs.push(e)
    const auto = createAutoService(e.service)
    const started = await auto.start({ datasetId: 'trap', budgetSeconds: 600 })
    expect(started.status).toBe('running')
    const done = await auto.waitFor(started.autoId)
    expect(done.status).toBe('completed')
    const trials = done.leaderboard.filter((r) => r.kind === 'model' && r.status === 'completed')
    expect(trials.length).toBeGreaterThanOrEqual(4)
    // Every trial is an ordinary run in the Auto group.
    const grouped = await e.service.list({})
    for (const t of trials) expect(grouped.find((r) => r.id === t.runId)?.sweepId).toBe(started.autoId)
    expect(done.winner!.label).toContain('x0.3')
    expect(done.winner!.validationMacroF1).toBe(1)
    // Its reported (test) score is the honest, bad one; the leaderboard carries validation only.
    expect(done.winner!.test).toMatchObject({ split: 'test', accuracy: 0, rows: 10 })
    for (const row of done.leaderboard) expect(Object.keys(row)).not.toContain('test')
  })

  it('tries a fine-tune from the smallest base right after Quick and Balanced, and goes on when it cannot start', async () => {
    const fake = createFakeSpawner({ stepsPerEpoch: 1 })
    const e = makeEnv(fake.spawn)
    envs.push(e)
    const bases = { list: () => [{ id: 'base_big', name: 'big', params: 9e7 }, { id: 'base_small', name: 'small', params: 4e6 }] }
    const auto = createAutoService(e.service, bases)
    const done = await auto.waitFor((await auto.start({ datasetId: 'ds1', budgetSeconds: 600 })).autoId)
    const row = done.leaderboard.find((r) => r.key === 'base')!
    expect(row.label).toBe('Fine-tune from small')
    // This test's runs service knows no bases: the trial fails with the reason and the search goes on.
    expect(row.status).toBe('failed')
    expect(row.note).toBeTruthy()
    expect(done.status).toBe('completed')
    expect(done.leaderboard.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(3)
  })

  it('on an image dataset tries image presets only: no tokenizer, no text base, every trial an image run', async () => {
    const fake = createFakeSpawner({ stepsPerEpoch: 1 })
    const ref = { path: '/img/x.png', sha256: 'ab' }
    const split = (n: number, off: number) => ({ texts: Array.from({ length: n }, (_, i) => `${i % 2 ? 'top' : 'bottom'}/${off + i}.png`), labels: Array.from({ length: n }, (_, i) => i % 2), images: Array(n).fill(ref) })
    const images: JobData = { labels: ['bottom', 'top'], train: split(20, 0), validation: { ...split(10, 100), indices: Array.from({ length: 10 }, (_, i) => 100 + i) } }
    const e = makeEnv(fake.spawn, {}, { pics_v1: images })
    envs.push(e)
    const bases = { list: () => [{ id: 'base_small', name: 'small', params: 4e6 }] }
    const auto = createAutoService(e.service, bases)
    const done = await auto.waitFor((await auto.start({ datasetId: 'pics', budgetSeconds: 600 })).autoId)
    expect(done.status).toBe('completed')
    const keys = done.leaderboard.filter((r) => r.kind === 'model').map((r) => r.key)
    expect([...keys].sort()).toEqual(['balanced', 'balanced-lr03', 'balanced-lr3', 'quick', 'thorough'])
    expect(done.leaderboard.filter((r) => r.kind === 'model').every((r) => r.status === 'completed')).toBe(true)
    const trained = fake.jobs.filter((j) => j.kind === 'train')
    expect(trained).toHaveLength(5)
    for (const job of trained) {
      expect((JSON.parse(readFileSync(job.dataPath, 'utf8')) as JobData).train.images).toHaveLength(20)
      expect(job.initFrom).toBeNull()
    }
  })

  it('refuses a dataset that cannot train before starting anything', async () => {
    const e = makeEnv(createFakeSpawner().spawn)
    envs.push(e)
    const auto = createAutoService(e.service)
    await expect(auto.start({ datasetId: 'missing', budgetSeconds: 60 })).rejects.toThrow()
    expect(await e.service.list({})).toHaveLength(0)
  })

  it('fine-tunes from an imported base when one exists: the trial is an ordinary run descending from the base', async () => {
    const fake = createFakeSpawner({ stepsPerEpoch: 1 })
    const e = makeEnv(fake.spawn)
    envs.push(e)
    const bases = createBaseService({ db: e.db, home: e.home, spawn: fake.spawn, emit: () => {} })
    const base = await bases.import({ source: { kind: 'path', path: join(__dirname, '..', '..', '..', 'fixtures', 'bases', 'bert-tiny') }, name: 'tiny bert' })
    const auto = createAutoService(e.service, bases)
    const done = await auto.waitFor((await auto.start({ datasetId: 'ds1', budgetSeconds: 600 })).autoId)
    const row = done.leaderboard.find((r) => r.key === 'base')!
    expect(row).toMatchObject({ label: 'Fine-tune from tiny bert', status: 'completed' })
    expect(row.validationMacroF1).not.toBeNull()
    const run = await e.service.get({ id: row.runId! })
    expect(run.config.finetune.baseId).toBe(base.id)
    expect(run.config.model).toMatchObject({ dModel: 16, nLayers: 2, nHeads: 4 }) // the base's shape, not the preset's
    expect(run.sweepId).toBe(done.autoId)
    expect((await bases.get({ id: base.id })).runsUsing).toBe(1)
  })

  it('keeps a search and its trials after a restart, and reads one left running by a stopped process as interrupted', async () => {
    const fake = createFakeSpawner({ stepsPerEpoch: 1 })
    const e = makeEnv(fake.spawn)
    envs.push(e)
    const dir = join(e.home, 'auto')
    const first = createAutoService(e.service, undefined, undefined, createAutoStore(dir))
    const done = await first.waitFor((await first.start({ datasetId: 'ds1', budgetSeconds: 600 })).autoId)
    expect(done.status).toBe('completed')

    // A new service over the same folder: what a restarted app sees.
    const after = createAutoService(e.service, undefined, undefined, createAutoStore(dir))
    const again = await after.get({ autoId: done.autoId })
    expect(again).toEqual(JSON.parse(JSON.stringify(done)))
    expect(again.winner?.test).toBeTruthy()
    for (const row of again.leaderboard.filter((r) => r.kind === 'model' && r.status === 'completed')) expect((await e.service.get({ id: row.runId! })).sweepId).toBe(done.autoId)
    expect((await after.list({ datasetId: 'ds1' })).map((a) => a.autoId)).toEqual([done.autoId])
    expect(await after.list({ datasetId: 'other' })).toEqual([])
    expect((await after.cancel({ autoId: done.autoId })).status).toBe('completed') // nothing to stop

    // A search saved mid-way by a process that is gone.
    const gone = createAutoStore(dir, () => false)
    gone.save({ ...done, autoId: 'sweep_gone', status: 'running', currentRunId: 'run_x', winner: null, startedAt: '2000-01-01T00:00:00.000Z' })
    const restarted = createAutoService(e.service, undefined, undefined, createAutoStore(dir, () => false))
    expect(await restarted.get({ autoId: 'sweep_gone' })).toMatchObject({ status: 'interrupted', currentRunId: null, leaderboard: done.leaderboard })
    expect((await restarted.list({})).map((a) => a.autoId)).toEqual([done.autoId, 'sweep_gone'])
    await expect(Promise.resolve().then(() => restarted.get({ autoId: 'sweep_none' }))).rejects.toThrow(/no Auto search/)
  })
})
