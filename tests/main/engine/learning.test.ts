// The encoder learns a task that needs attention (which of two markers comes first), the
// order-blind bag-of-embeddings baseline cannot; one training step runs on wasm and on cpu.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel, resolveDims } from '../../../src/main/engine/models'
import { trainLoop } from '../../../src/main/engine/training/loop'
import { ModelConfigSchema, TrainConfigSchema, type ModelConfig } from '../../../src/shared/config'
import { markerRows, markerVocab } from '../../helpers/marker-task'

const quiet = { onProgress() {}, onCheckpoint() {}, onLog() {} }

async function trainMarkerTask(arch: ModelConfig['arch'], epochs: number) {
  const train = markerRows(600, 1)
  const validation = markerRows(200, 2)
  const mc = ModelConfigSchema.parse({ arch, dModel: 32, nHeads: 2, nLayers: 2, seqLen: 16, dropout: 0, attnDropout: 0 })
  const model = buildModel({ dims: resolveDims(mc, markerVocab), head: 'classify', nClasses: 2, lora: null }, 1)
  const counts: number[] = []
  const result = await trainLoop(
    {
      model,
      objective: 'classify',
      train,
      validation,
      labels: ['A first', 'B first'],
      config: TrainConfigSchema.parse({ epochs, batchSize: 32, learningRate: 3e-3, patience: 0, warmupRatio: 0.05 }),
      trainable: [...model.params.keys()],
      checkpoint: null,
    },
    { ...quiet, onMetric: (m) => m.split === 'validation' && counts.push(tf.memory().numTensors) },
    new AbortController().signal,
  )
  for (const v of model.params.values()) v.dispose()
  return { accuracy: result.bestMetrics!.accuracy, counts }
}

describe('learning a task that needs attention', () => {
  it('the encoder reaches >= 95% validation accuracy, the bag-of-embeddings baseline stays near chance, tensors stay flat', async () => {
    await initBackend(['wasm'])
    // 16 epochs: at 12 the final accuracy swings between 0.88 and 1.0 with float rounding alone (the
    // order of sums inside a fused kernel); at 16 every variant measured lands at 0.985 or above.
    const encoder = await trainMarkerTask('encoder', 16)
    expect(encoder.accuracy).toBeGreaterThanOrEqual(0.95)
    // Same live tensor count after every epoch: nothing leaks per step or per validation.
    expect(new Set(encoder.counts).size).toBe(1)
    const bag = await trainMarkerTask('bag', 12)
    expect(bag.accuracy).toBeLessThan(0.7)
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
