// Data-parallel training gives the single-thread result: the same losses and weights (within float
// rounding) after several steps with dropout on, on the cpu and wasm backends; a run paused with one
// thread count resumes with another to the same result; a worker thread that dies fails the run with a
// plain message and leaves the last checkpoint intact.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { initBackend, runTraining } from '../../../../src/main/engine'
import { readCheckpoint } from '../../../../src/main/engine/training/loop'
import { resolveConfig } from '../../../../src/shared/config'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { tinyTexts } from '../../../helpers/tiny-data'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'engine-dp-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const train = tinyTexts(45, 3) // 45 rows, batch 8: the last batch (5 rows) splits unevenly
const val = tinyTexts(12, 77)
const data: JobData = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
const base = {
  model: { dModel: 16, nHeads: 2, nLayers: 2, seqLen: 16, dropout: 0.2, attnDropout: 0.2 },
  tokenizer: { kind: 'word' as const, vocabSize: 64 },
  train: { epochs: 2, batchSize: 8, learningRate: 3e-3, patience: 0 },
}

async function run(runDir: string, workers: number, opts: { resume?: boolean; stopAt?: number; crashAt?: number; classWeights?: boolean } = {}) {
  const losses = new Map<number, number>()
  const logs: string[] = []
  const controller = new AbortController()
  const config = resolveConfig(null, base, { train: { workers, classWeights: opts.classWeights ? 'balanced' : 'none' } })
  const promise = runTraining(
    { config, data, runDir, resume: opts.resume ?? false, initFrom: null, checkpointEverySteps: 3, crashWorkerAtStep: opts.crashAt },
    {
      onProgress: (p) => { if (p.step === opts.stopAt) controller.abort('pause') },
      onMetric: (m) => m.split === 'train' && losses.set(m.step, m.loss),
      onCheckpoint() {},
      onLog: (_level, message) => logs.push(message),
    },
    controller.signal,
  )
  return { promise, losses, logs }
}

function weights(runDir: string): Float32Array {
  const b = readFileSync(join(runDir, 'model', 'weights.bin'))
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe.each(['cpu', 'wasm'] as const)('data-parallel training on %s', (backend) => {
  it('matches one thread: same losses and weights within 1e-5 with 2 and 3 threads, dropout on', async () => {
    await initBackend([backend])
    // Plain and class-weighted losses (their shards carry different shares of the global loss).
    for (const [classWeights, counts] of [[false, [2, 3]], [true, [3]]] as const) {
      const oneDir = tempDir()
      const one = await run(oneDir, 1, { classWeights })
      await one.promise
      expect(one.logs.some((l) => /threads/.test(l))).toBe(false)
      for (const threads of counts) {
        const dir = tempDir()
        const many = await run(dir, threads, { classWeights })
        await many.promise
        expect(many.logs).toContain(`Training on ${threads} threads (data-parallel).`)
        expect([...many.losses.keys()]).toEqual([...one.losses.keys()])
        expect(many.losses.size).toBeGreaterThan(8)
        for (const [step, loss] of many.losses) expect(Math.abs(loss - one.losses.get(step)!)).toBeLessThan(1e-5)
        expect(maxAbsDiff(weights(dir), weights(oneDir))).toBeLessThan(1e-5)
      }
    }
  }, 120_000)

})

describe.each([
  ['masked-language-model (encoder): shards take their rows\' masked positions', 'encoder'],
  ['next-token (decoder): shards carry their share of the predicted tokens', 'decoder'],
] as const)('data-parallel pretraining, %s', (_name, arch) => {
  it('matches one thread', async () => {
    await initBackend(['cpu'])
    const pretrain = async (workers: number) => {
      const runDir = tempDir()
      const losses: number[] = []
      const logs: string[] = []
      const config = resolveConfig(null, base, { task: 'pretrain', model: { arch }, train: { workers, epochs: 1 } })
      await runTraining(
        { config, data: { ...data, unlabeled: [...train.texts, ...val.texts] }, runDir, resume: false, initFrom: null },
        { onProgress() {}, onMetric: (m) => m.split === 'train' && losses.push(m.loss), onCheckpoint() {}, onLog: (_l, m) => logs.push(m) },
        new AbortController().signal,
      )
      return { losses, logs, w: weights(runDir) }
    }
    const one = await pretrain(1)
    const two = await pretrain(2)
    expect(two.logs).toContain('Training on 2 threads (data-parallel).')
    expect(one.losses.length).toBeGreaterThan(5)
    expect(two.losses.length).toBe(one.losses.length)
    two.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i]!)).toBeLessThan(1e-5))
    expect(maxAbsDiff(two.w, one.w)).toBeLessThan(1e-5)
  }, 120_000)
})

describe('resuming with another thread count', () => {
  it('resumes a run paused with 2 threads on 1 thread and on 3, to the uninterrupted result', async () => {
    await initBackend(['cpu'])
    const fullDir = tempDir()
    const full = await run(fullDir, 2)
    await full.promise
    for (const [first, second] of [[2, 1], [1, 3]] as const) {
      const dir = tempDir()
      const paused = await run(dir, first, { stopAt: 5 })
      expect(await paused.promise).toMatchObject({ paused: true })
      const resumed = await run(dir, second, { resume: true })
      await resumed.promise
      expect(Math.min(...resumed.losses.keys())).toBe(6)
      for (const [step, loss] of resumed.losses) expect(Math.abs(loss - full.losses.get(step)!)).toBeLessThan(1e-5)
      expect(maxAbsDiff(weights(dir), weights(fullDir))).toBeLessThan(1e-5)
    }
  }, 120_000)
})

describe('a gradient worker that dies', () => {
  it('fails the run with a plain message and keeps the last checkpoint', async () => {
    await initBackend(['cpu'])
    const dir = tempDir()
    const crashed = await run(dir, 2, { crashAt: 5 })
    await expect(crashed.promise).rejects.toThrow(/training thread stopped unexpectedly/)
    // Checkpoints every 3 steps: the one written after step 3 is intact and resumable.
    const ckpt = readCheckpoint(join(dir, 'checkpoints', 'latest.ckpt'))
    expect(ckpt.header.state.step).toBe(3)
    const resumed = await run(dir, 2, { resume: true })
    await resumed.promise
    expect(Math.min(...resumed.losses.keys())).toBe(4)
  }, 60_000)
})
