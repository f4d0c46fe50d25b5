// The speed calibration trains a few real steps of the config's model and leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { calibrate, initBackend } from '../../../src/main/engine'
import { resolveConfig } from '../../../src/shared/config'

beforeAll(async () => {
  await initBackend(['cpu'])
})

const config = resolveConfig(null, {
  model: { dModel: 16, nHeads: 2, nLayers: 1, seqLen: 16, dropout: 0.1, attnDropout: 0.1 },
  tokenizer: { kind: 'word', vocabSize: 64 },
  train: { batchSize: 4 },
})

describe('calibrate', () => {
  it('times real training steps on the backend and frees every tensor', async () => {
    const before = tf.memory().numTensors
    const c = await calibrate(config, { vocabSize: 40, nClasses: 3, steps: 2 })
    expect(tf.memory().numTensors).toBe(before)
    expect(c.backend).toBe('cpu')
    expect(c.steps).toBe(2)
    expect(c.tokensPerSec).toBeGreaterThan(0)
    // Throughput counts every position of every row: batch * seqLen tokens per step.
    expect(c.tokensPerSec).toBeCloseTo((4 * 16 * 1000) / c.msPerStep, 6)
  })

  it('calibrates a language model (pretraining) and stops when cancelled', async () => {
    const lm = resolveConfig(null, { ...config, task: 'pretrain', model: { ...config.model, arch: 'decoder' } })
    const before = tf.memory().numTensors
    const c = await calibrate(lm, { vocabSize: 40, nClasses: 0, steps: 1 })
    expect(c.tokensPerSec).toBeGreaterThan(0)
    const controller = new AbortController()
    controller.abort()
    await expect(calibrate(lm, { vocabSize: 40, nClasses: 0, signal: controller.signal })).rejects.toThrow(/Cancelled/)
    expect(tf.memory().numTensors).toBe(before)
  })
})
