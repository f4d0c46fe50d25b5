// Whole training jobs on the cpu backend: reproducible, resumable after a kill or a pause with the
// same result as never stopping, saved models predict exactly as trained, early stopping restores
// the best epoch.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateModel, initBackend, loadModel, predictTexts, runTraining } from '../../../src/main/engine'
import { buildModel, resolveDims } from '../../../src/main/engine/models'
import { trainLoop } from '../../../src/main/engine/training/loop'
import { ModelConfigSchema, resolveConfig, TrainConfigSchema } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { markerVocab } from '../../helpers/marker-task'
import { tinyTexts } from '../../helpers/tiny-data'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'engine-train-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
beforeAll(async () => {
  await initBackend(['cpu'])
})

const train = tinyTexts(48, 7)
const val = tinyTexts(16, 99)
const data: JobData = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
const config = resolveConfig(null, {
  model: { dModel: 16, nHeads: 2, nLayers: 1, seqLen: 16, dropout: 0.1, attnDropout: 0.1 },
  tokenizer: { kind: 'word', vocabSize: 64 },
  train: { epochs: 2, batchSize: 8, learningRate: 3e-3, patience: 0 },
})

async function train1(runDir: string, opts: { resume?: boolean; stopAt?: number; reason?: string } = {}) {
  const losses = new Map<number, number>()
  const controller = new AbortController()
  const promise = runTraining(
    { config, data, runDir, resume: opts.resume ?? false, initFrom: null, checkpointEverySteps: 3 },
    {
      onProgress: (p) => {
        if (p.step === opts.stopAt) controller.abort(opts.reason)
      },
      onMetric: (m) => m.split === 'train' && losses.set(m.step, m.loss),
      onCheckpoint() {},
      onLog() {},
    },
    controller.signal,
  )
  return { promise, losses }
}

function weights(runDir: string): Float32Array {
  const b = readFileSync(join(runDir, 'model', 'weights.bin'))
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('training jobs', () => {
  let fullDir = ''
  let full: Awaited<ReturnType<typeof train1>>
  let fullResult: Awaited<ReturnType<typeof runTraining>>

  beforeAll(async () => {
    fullDir = tempDir()
    full = await train1(fullDir)
    fullResult = await full.promise
  })

  it('is reproducible: the same seed gives the same losses and weights', async () => {
    const dir = tempDir()
    const again = await train1(dir)
    await again.promise
    expect([...again.losses.values()]).toEqual([...full.losses.values()])
    expect(maxAbsDiff(weights(dir), weights(fullDir))).toBe(0)
  })

  it('resumes after a kill from the last periodic checkpoint to the same losses and weights as never stopping', async () => {
    const dir = tempDir()
    const killed = await train1(dir, { stopAt: 8, reason: 'cancel' })
    await expect(killed.promise).rejects.toMatchObject({ name: 'AbortError' })
    const resumed = await train1(dir, { resume: true })
    const result = await resumed.promise
    // The last checkpoint was at step 6: steps 7.. are replayed and must match the uninterrupted run.
    expect(Math.min(...resumed.losses.keys())).toBe(7)
    for (const [step, loss] of resumed.losses) expect(Math.abs(loss - full.losses.get(step)!)).toBeLessThan(1e-6)
    expect(maxAbsDiff(weights(dir), weights(fullDir))).toBeLessThan(1e-6)
    expect(result.metrics!.loss).toBeCloseTo(fullResult.metrics!.loss, 6)
  })

  it('pauses with a checkpoint and continues to the same result', async () => {
    const dir = tempDir()
    const paused = await train1(dir, { stopAt: 5, reason: 'pause' })
    expect(await paused.promise).toMatchObject({ paused: true })
    const resumed = await train1(dir, { resume: true })
    await resumed.promise
    expect(Math.min(...resumed.losses.keys())).toBe(6)
    expect(maxAbsDiff(weights(dir), weights(fullDir))).toBeLessThan(1e-6)
  })

  it('saves a model that, loaded back, reproduces the training-time validation metrics and predicts deterministically', async () => {
    const model = await loadModel(join(fullDir, 'model'))
    const { metrics, predictions } = await evaluateModel(model, data.validation)
    expect(metrics.loss).toBeCloseTo(fullResult.metrics!.loss, 6)
    expect(metrics.accuracy).toBe(fullResult.metrics!.accuracy)
    expect(predictions.map((p) => p.index)).toEqual(data.validation.indices)
    const again = await loadModel(join(fullDir, 'model'))
    const a = await predictTexts(model, val.texts.slice(0, 3), { attention: true })
    const b = await predictTexts(again, val.texts.slice(0, 3), { attention: false })
    expect(a.map((p) => p.probabilities)).toEqual(b.map((p) => p.probabilities))
    const att = a[0].attention!
    expect(att.weights).toHaveLength(1) // layers
    expect(att.weights[0]).toHaveLength(2) // heads
    expect(att.weights[0][0]).toHaveLength(att.tokens.length)
    expect(att.rollout.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5)
    model.dispose()
    again.dispose()
  })

  it('sees a cancel that arrives from outside (a timer or a host message) while steps run', async () => {
    const controller = new AbortController()
    let steps = 0
    let total = 0
    const job = runTraining(
      { config: resolveConfig(null, config, { train: { epochs: 200 } }), data, runDir: tempDir(), resume: false, initFrom: null },
      {
        onProgress: (p) => {
          steps = p.step
          total = p.totalSteps
          if (p.step === 1) setTimeout(() => controller.abort('cancel'), 20)
        },
        onMetric() {},
        onCheckpoint() {},
        onLog() {},
      },
      controller.signal,
    )
    await expect(job).rejects.toMatchObject({ name: 'AbortError' })
    expect(steps).toBeLessThan(total)
  })

  it('refuses a resume without a checkpoint and data with a label outside the label list', async () => {
    await expect(runTraining({ config, data, runDir: tempDir(), resume: true, initFrom: null }, { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }, new AbortController().signal)).rejects.toMatchObject({ name: 'UserError' })
    const bad = { ...data, train: { texts: ['a', 'b'], labels: [0, 5] } }
    await expect(runTraining({ config, data: bad, runDir: tempDir(), resume: false, initFrom: null }, { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }, new AbortController().signal)).rejects.toThrow(/label index \(5\)/)
  })
})

describe('early stopping', () => {
  it('stops when validation loss stops improving and restores the best epoch\'s weights', async () => {
    // Random labels: the model can only memorise, so validation loss soon rises.
    let s = 11
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
    const rows = (n: number) => Array.from({ length: n }, () => Int32Array.from([2, ...Array.from({ length: 6 }, () => 5 + Math.floor(rnd() * 20))]))
    const trainSet = { rows: rows(64), labels: Array.from({ length: 64 }, () => Math.floor(rnd() * 2)) }
    const valSet = { rows: rows(32), labels: Array.from({ length: 32 }, () => Math.floor(rnd() * 2)) }
    const mc = ModelConfigSchema.parse({ dModel: 32, nHeads: 2, nLayers: 1, seqLen: 8, dropout: 0, attnDropout: 0 })
    const model = buildModel({ dims: resolveDims(mc, markerVocab), head: 'classify', nClasses: 2, lora: null }, 1)
    const valLosses: number[] = []
    const result = await trainLoop(
      {
        model,
        objective: 'classify',
        train: trainSet,
        validation: valSet,
        labels: ['a', 'b'],
        config: TrainConfigSchema.parse({ epochs: 30, batchSize: 16, learningRate: 1e-2, patience: 2, warmupRatio: 0, schedule: 'constant', keepBest: 'loss' }),
        trainable: [...model.params.keys()],
        checkpoint: null,
      },
      { onProgress() {}, onCheckpoint() {}, onLog() {}, onMetric: (m) => m.split === 'validation' && valLosses.push(m.loss) },
      new AbortController().signal,
    )
    expect(result.stoppedEarly).toBe(true)
    expect(valLosses.length).toBeLessThan(30)
    expect(valLosses.length).toBe(result.bestEpoch + 2) // patience 2 epochs after the best
    expect(result.bestLoss).toBe(Math.min(...valLosses))
    // The model now holds the best epoch's weights: its validation loss is the best one, not the last.
    const { classifyRows } = await import('../../../src/main/engine/training/evaluate-rows')
    const { loss } = await classifyRows(model, valSet.rows, valSet.labels)
    expect(loss).toBeCloseTo(result.bestLoss!, 6)
    expect(loss).toBeLessThan(valLosses[valLosses.length - 1])
    for (const v of model.params.values()) v.dispose()
  })

  it('by default keeps the epoch with the best validation macro-F1 and stops when it stops improving', async () => {
    let s = 11
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
    const rows = (n: number) => Array.from({ length: n }, () => Int32Array.from([2, ...Array.from({ length: 6 }, () => 5 + Math.floor(rnd() * 20))]))
    const trainSet = { rows: rows(64), labels: Array.from({ length: 64 }, () => Math.floor(rnd() * 2)) }
    const valSet = { rows: rows(32), labels: Array.from({ length: 32 }, () => Math.floor(rnd() * 2)) }
    const mc = ModelConfigSchema.parse({ dModel: 32, nHeads: 2, nLayers: 1, seqLen: 8, dropout: 0, attnDropout: 0 })
    const model = buildModel({ dims: resolveDims(mc, markerVocab), head: 'classify', nClasses: 2, lora: null }, 1)
    const val: { loss: number; f1: number }[] = []
    const logs: string[] = []
    const config = TrainConfigSchema.parse({ epochs: 30, batchSize: 16, learningRate: 1e-2, patience: 3, warmupRatio: 0, schedule: 'constant' })
    expect(config.keepBest).toBe('macroF1')
    const result = await trainLoop(
      { model, objective: 'classify', train: trainSet, validation: valSet, labels: ['a', 'b'], config, trainable: [...model.params.keys()], checkpoint: null },
      { onProgress() {}, onCheckpoint() {}, onLog: (_l, m) => logs.push(m), onMetric: (m) => m.split === 'validation' && val.push({ loss: m.loss, f1: m.macroF1! }) },
      new AbortController().signal,
    )
    // Among the epochs with the highest F1, the kept one has the lowest loss.
    const bestF1 = Math.max(...val.map((v) => v.f1))
    const candidates = val.map((v, i) => ({ ...v, epoch: i + 1 })).filter((v) => Math.abs(v.f1 - bestF1) <= 1e-9)
    const expected = candidates.reduce((a, b) => (b.loss < a.loss ? b : a))
    expect(result.keptBy).toBe('macroF1')
    expect(result.bestEpoch).toBe(expected.epoch)
    expect(result.bestMetrics!.macroF1).toBeCloseTo(bestF1, 9)
    expect(result.epochsRun).toBe(val.length)
    // Random labels: F1 soon stops improving, and the log names the kept epoch.
    expect(result.stoppedEarly).toBe(true)
    expect(val.length).toBe(result.bestEpoch + 3)
    expect(logs.some((m) => m.includes(`keeping epoch ${result.bestEpoch}`))).toBe(true)
    // The model holds the kept epoch's weights: re-scoring gives that epoch's F1.
    const { classifyRows, argmax } = await import('../../../src/main/engine/training/evaluate-rows')
    const { classificationMetrics } = await import('../../../src/main/engine/metrics')
    const { probs, loss } = await classifyRows(model, valSet.rows, valSet.labels)
    expect(classificationMetrics(valSet.labels, probs.map(argmax), probs, ['a', 'b'], loss).macroF1).toBeCloseTo(bestF1, 6)
    for (const v of model.params.values()) v.dispose()
  })
})
