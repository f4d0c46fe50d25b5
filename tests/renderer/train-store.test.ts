// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useAppStore } from '../../src/renderer/src/stores/app'
import { useTrainStore } from '../../src/renderer/src/stores/train'
import type { FakeApi } from './fake-api'
import { freshApp } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

describe('train store', () => {
  it('reports a cross-field problem under the field it concerns', () => {
    const train = useTrainStore()
    train.set('model.dModel', 64)
    train.set('model.nHeads', 5)
    expect(train.valid).toBe(false)
    expect(train.issues['model.nHeads']).toMatch(/divisible/)
    train.set('model.nHeads', 4)
    expect(train.valid).toBe(true)
  })

  it('a field holding text that is not a number blocks starting until it is fixed, and a preset switch clears it', () => {
    const train = useTrainStore()
    expect(train.valid).toBe(true)
    train.setBadText('train.epochs', '3x')
    expect(train.valid).toBe(false)
    train.setBadText('train.epochs', null)
    expect(train.valid).toBe(true)
    train.setBadText('model.dModel', 'wide')
    train.choosePreset('balanced')
    expect(train.badText).toEqual({})
    expect(train.valid).toBe(true)
  })

  it('reports the heads/width rule beside both fields', () => {
    const train = useTrainStore()
    train.set('model.dModel', 64)
    train.set('model.nHeads', 5)
    expect(train.issues['model.dModel']).toMatch(/divisible/)
  })

  it('flags values outside the schema limits', () => {
    const train = useTrainStore()
    train.set('train.learningRate', 5)
    expect(train.issues['train.learningRate']).toBeTruthy()
  })

  it('switches presets without losing the task or the fine-tuning source', async () => {
    const app = useAppStore()
    await app.load()
    const train = useTrainStore()
    train.setFinetuneFrom('r7')
    train.choosePreset('thorough')
    expect(train.config.model.dModel).toBe(192)
    expect(train.config.finetune.fromRunId).toBe('r7')
    expect(train.presetDescriptions.thorough).toBe('Thorough from server')
  })

  it('pretraining keeps a Transformer architecture (encoder: masked words, decoder: next word) and drops the fine-tuning source', () => {
    const train = useTrainStore()
    train.setFinetuneFrom('r7')
    train.setTask('pretrain')
    expect(train.config.model.arch).toBe('encoder')
    expect(train.config.finetune.fromRunId).toBeNull()
    expect(train.valid).toBe(true)
  })

  it('asks for a plan once typing pauses, with a plain config', async () => {
    vi.useFakeTimers()
    try {
      const train = useTrainStore()
      train.datasetId = 'd1'
      await vi.advanceTimersByTimeAsync(10)
      train.set('train.epochs', 4)
      train.set('train.epochs', 6)
      await vi.advanceTimersByTimeAsync(1000)
      const plans = fake.calls.filter((c) => c.name === 'runs.plan')
      expect(plans).toHaveLength(1)
      const input = plans[0].input as { datasetId: string; config: { train: { epochs: number } } }
      expect(input.datasetId).toBe('d1')
      expect(input.config.train.epochs).toBe(6)
      expect(structuredClone(input)).toEqual(input)
      expect(train.plan?.parameters).toBe(123456)
    } finally {
      vi.useRealTimers()
    }
  })

  it('measures speed: the plan then carries the measured duration and backend; a failure is shown in place', async () => {
    const train = useTrainStore()
    train.datasetId = 'd1'
    await train.refreshPlan()
    expect(train.plan?.estimatedSeconds).toBe(42)
    expect(train.plan?.calibration).toBeUndefined()
    const pending = train.measure()
    expect(train.measuring).toBe(true)
    await pending
    expect(train.measuring).toBe(false)
    expect(train.measureError).toBeNull()
    expect(train.plan?.estimatedSeconds).toBe(75)
    expect(train.plan?.calibration?.backend).toBe('wasm')
    const asked = fake.calls.filter((c) => c.name === 'runs.calibrate')
    expect(asked).toHaveLength(1)
    expect((asked[0].input as { datasetId: string }).datasetId).toBe('d1')

    fake.failWith('runs.calibrate', 'The trainer could not start.')
    await train.measure()
    expect(train.measuring).toBe(false)
    expect(train.measureError).toMatch(/could not start/)
    // The measured plan stays on screen when a later measurement fails.
    expect(train.plan?.estimatedSeconds).toBe(75)
  })

  it('the preset sized for the dataset fills the form, but not over a field the user edited while the plan was on its way', async () => {
    const train = useTrainStore()
    train.datasetId = 'd1'
    train.choosePreset('quick')
    fake.after('runs.plan', (result) => {
      // The sizing arrives with the answer; the user changed epochs after the plan was asked for.
      Object.assign(result as object, { sizing: { preset: 'quick', config: { train: { epochs: 8 }, model: { dModel: 32, nHeads: 4 } }, choices: [] } })
      train.set('train.epochs', 12)
    })
    await train.refreshPlan()
    expect(train.config.train.epochs).toBe(12)
    expect(train.config.model.dModel).toBe(32) // what the user did not touch follows the sizing
  })
})
