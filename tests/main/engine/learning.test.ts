// The encoder learns a task that needs attention (which of two markers comes first), the
// order-blind bag-of-embeddings baseline cannot; one training step runs on wasm and on cpu.
// Learning claims are scored on held-out rows that neither training nor the choice of the kept
// epoch (validation) ever saw, over several seeds of both the data and the weights.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel, resolveDims } from '../../../src/main/engine/models'
import { argmax, classifyRows } from '../../../src/main/engine/training/evaluate-rows'
import { trainLoop } from '../../../src/main/engine/training/loop'
import { ModelConfigSchema, TrainConfigSchema, type ModelConfig } from '../../../src/shared/config'
import { markerRows, markerVocab } from '../../helpers/marker-task'

const quiet = { onProgress() {}, onCheckpoint() {}, onLog() {} }

/** Trains on one seed's rows, keeps the best epoch by validation, and scores rows of a third seed. */
async function trainMarkerTask(arch: ModelConfig['arch'], epochs: number, seed: number) {
  const train = markerRows(600, 10 * seed + 1)
  const validation = markerRows(200, 10 * seed + 2)
  const heldOut = markerRows(300, 10 * seed + 3)
  const mc = ModelConfigSchema.parse({ arch, dModel: 32, nHeads: 2, nLayers: 2, seqLen: 16, dropout: 0, attnDropout: 0 })
  const model = buildModel({ dims: resolveDims(mc, markerVocab), head: 'classify', nClasses: 2, lora: null }, seed)
  const counts: number[] = []
  await trainLoop(
    {
      model,
      objective: 'classify',
      train,
      validation,
      labels: ['A first', 'B first'],
      config: TrainConfigSchema.parse({ epochs, batchSize: 32, learningRate: 3e-3, patience: 0, warmupRatio: 0.05, seed }),
      trainable: [...model.params.keys()],
      checkpoint: null,
    },
    { ...quiet, onMetric: (m) => m.split === 'validation' && counts.push(tf.memory().numTensors) },
    new AbortController().signal,
  )
  const { probs } = await classifyRows(model, heldOut.rows, null)
  const accuracy = probs.filter((p, i) => argmax(p) === heldOut.labels[i]).length / heldOut.labels.length
  for (const v of model.params.values()) v.dispose()
  return { accuracy, counts }
}

describe('learning a task that needs attention', () => {
  it('the encoder reaches >= 90% on held-out rows for every seed, the bag-of-embeddings baseline stays near chance, tensors stay flat', async () => {
    await initBackend(['wasm'])
    const encoder: number[] = []
    const bag: number[] = []
    // 24 epochs: at 16 one seed of three stopped at 85% held-out; at 24 the three measured 99.3%, 100%, 99%.
    for (const seed of [1, 2, 3]) {
      const e = await trainMarkerTask('encoder', 24, seed)
      encoder.push(e.accuracy)
      // Same live tensor count after every epoch: nothing leaks per step or per validation.
      expect(new Set(e.counts).size).toBe(1)
      bag.push((await trainMarkerTask('bag', 8, seed)).accuracy)
    }
    for (const a of encoder) expect(a, `encoder held-out accuracies ${encoder.join(', ')}`).toBeGreaterThanOrEqual(0.9)
    for (const a of bag) expect(a, `bag held-out accuracies ${bag.join(', ')}`).toBeLessThan(0.7)
  })
})

describe('one training step on every backend that loads', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`updates the weights with a finite loss on ${backend}`, async () => {
      const info = await initBackend([backend])
      expect(info.name).toBe(backend)
      expect(tf.getBackend()).toBe(backend)
      const mc = ModelConfigSchema.parse({ dModel: 16, nHeads: 2, nLayers: 1, seqLen: 16, nKvHeads: 1 })
      const model = buildModel({ dims: resolveDims(mc, markerVocab), head: 'classify', nClasses: 2, lora: null }, 3)
      const before = model.params.get('embed/tok')!.dataSync().slice()
      const losses: number[] = []
      await trainLoop(
        {
          model,
          objective: 'classify',
          train: markerRows(8, 5),
          validation: markerRows(4, 6),
          labels: ['a', 'b'],
          config: TrainConfigSchema.parse({ epochs: 1, batchSize: 8, maxSteps: 1 }),
          trainable: [...model.params.keys()],
          checkpoint: null,
        },
        { ...quiet, onMetric: (m) => m.split === 'train' && losses.push(m.loss) },
        new AbortController().signal,
      )
      expect(losses).toHaveLength(1)
      expect(Number.isFinite(losses[0])).toBe(true)
      const after = model.params.get('embed/tok')!.dataSync()
      expect(after.some((v, i) => v !== before[i])).toBe(true)
      for (const v of model.params.values()) v.dispose()
    })
  }
})
