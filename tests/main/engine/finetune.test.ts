// Fine-tuning: LoRA trains only adapters and the head, frozen blocks stay put, a decoder pretrained
// on unlabeled text lowers its loss and then fine-tunes into a classifier.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend, loadModel, predictTexts, runTraining } from '../../../src/main/engine'
import { selectTrainable, startFromModel } from '../../../src/main/engine/finetune'
import { buildModel } from '../../../src/main/engine/models'
import { assignParams, readParams } from '../../../src/main/engine/params'
import { encodeRows } from '../../../src/main/engine/training/batching'
import { classifyRows } from '../../../src/main/engine/training/evaluate-rows'
import { trainLoop } from '../../../src/main/engine/training/loop'
import { saveModelFolder } from '../../../src/main/engine/model-folder'
import { tokenizerFromJSON } from '../../../src/main/engine/tokenizers'
import { resolveConfig, type RunConfigInput } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { tinyTexts } from '../../helpers/tiny-data'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'engine-ft-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
beforeAll(async () => {
  await initBackend(['wasm'])
})

const train = tinyTexts(96, 7)
const val = tinyTexts(32, 99)
const data: JobData = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
const base: RunConfigInput = {
  model: { dModel: 32, nHeads: 2, nLayers: 2, seqLen: 16, dropout: 0, attnDropout: 0 },
  tokenizer: { kind: 'word', vocabSize: 64 },
  train: { epochs: 4, batchSize: 16, learningRate: 3e-3, patience: 0 },
}
const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

describe('fine-tuning from a saved classifier', () => {
  let sourceDir = ''
  beforeAll(async () => {
    sourceDir = tempDir()
    await runTraining({ config: resolveConfig(null, base), data, runDir: sourceDir, resume: false, initFrom: null }, quiet, new AbortController().signal)
  })

  async function finetuneInMemory(over: RunConfigInput, labels: string[]) {
    const config = resolveConfig(null, base, over)
    const start = startFromModel(join(sourceDir, 'model'), config, labels, () => {})
    const model = buildModel(start.spec, 5)
    assignParams(model.params, start.weights, { allowMissing: true })
    const before = await readParams(model.params)
    const { trainable, lrScale } = selectTrainable([...model.params.keys()], config.finetune, true)
    const tok = tokenizerFromJSON(start.tokenizer)
    const rows = encodeRows(tok, train.texts, 16)
    await trainLoop(
      { model, objective: 'classify', train: { rows, labels: train.labels.map((y) => y % labels.length) }, validation: { rows: [], labels: [] }, labels, config: { ...config.train, epochs: 1 }, trainable, lrScale, checkpoint: null },
      quiet,
      new AbortController().signal,
    )
    const after = await readParams(model.params)
    const changed = [...after.keys()].filter((k) => after.get(k)!.data.some((v, i) => v !== before.get(k)!.data[i]))
    return { model, start, changed, rows, tok }
  }

  it('with LoRA changes only the adapters and the head, and the merged saved model predicts the same', async () => {
    const { model, start, changed, rows } = await finetuneInMemory({ finetune: { fromRunId: 'x', lora: { enabled: true, rank: 4, alpha: 8 } } }, data.labels)
    expect(start.keptHead).toBe(true)
    expect(changed.length).toBeGreaterThan(0)
    for (const name of changed) expect(name).toMatch(/_lora_[ab]$|^head\//)
    expect(changed.some((n) => n.endsWith('_lora_b'))).toBe(true)
    // Saving folds the adapters into the base weights; predictions must not move.
    const dir = tempDir()
    saveModelFolder(dir, { task: 'classify', config: resolveConfig(null, base), spec: model.spec, labels: data.labels, tokenizer: start.tokenizer, training: { bestEpoch: 1, stoppedEarly: false, metrics: null, createdAt: '' } }, await readParams(model.params))
    const loaded = await loadModel(dir)
    expect([...loaded.model.params.keys()].some((n) => n.includes('lora'))).toBe(false)
    const a = (await classifyRows(model, rows.slice(0, 8), null)).probs.flat()
    const b = (await classifyRows(loaded.model, rows.slice(0, 8), null)).probs.flat()
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5))
    loaded.dispose()
    model.params.forEach((v) => v.dispose())
  })

  it('with new labels gets a new head; frozen embeddings and lower blocks do not change', async () => {
    const labels = ['x', 'y', 'z']
    const { model, start, changed } = await finetuneInMemory({ finetune: { fromRunId: 'x', freezeEmbeddings: true, freezeLayers: 1 } }, labels)
    expect(start.keptHead).toBe(false)
    expect(model.params.get('head/w')!.shape).toEqual([32, 3])
    expect(changed.some((n) => n.startsWith('block_1/'))).toBe(true)
    for (const name of changed) expect(name.startsWith('embed/') || name.startsWith('block_0/')).toBe(false)
    model.params.forEach((v) => v.dispose())
  })

  it('body learning rate scale applies to the body only', () => {
    const { lrScale } = selectTrainable(['embed/tok', 'block_0/attn/qkv', 'head/w'], resolveConfig(null, { finetune: { bodyLrScale: 0.25 } }).finetune, true)
    expect(lrScale).toEqual({ 'embed/tok': 0.25, 'block_0/attn/qkv': 0.25, 'head/w': 1 })
  })
})

describe('decoder pretraining then fine-tuning', () => {
  it('pretraining lowers the next-token loss, and a classifier fine-tuned from it learns the task', async () => {
    const preDir = tempDir()
    const unlabeled = tinyTexts(160, 3).texts
    const valLosses: number[] = []
    const pre = await runTraining(
      {
        config: resolveConfig(null, base, { task: 'pretrain', model: { arch: 'decoder' }, train: { epochs: 3 } }),
        data: { ...data, unlabeled },
        runDir: preDir,
        resume: false,
        initFrom: null,
      },
      { ...quiet, onMetric: (m) => m.split === 'validation' && valLosses.push(m.loss) },
      new AbortController().signal,
    )
    expect(pre.metrics).toBeNull()
    expect(valLosses).toHaveLength(3)
    expect(valLosses[2]).toBeLessThan(valLosses[0])
    // An untrained model predicts uniformly (loss = ln V); after pretraining it is well below.
    const lm = await loadModel(join(preDir, 'model'))
    expect(lm.model.spec.head).toBe('lm')
    expect(valLosses[2]).toBeLessThan(Math.log(lm.model.spec.dims.vocabSize) - 0.5)
    await expect(predictTexts(lm, ['a'], { attention: false })).rejects.toThrow(/not a classifier/)
    lm.dispose()

    const ftDir = tempDir()
    const before = tf.memory().numTensors
    const ft = await runTraining(
      { config: resolveConfig(null, base, { model: { arch: 'decoder', pooling: 'mean' }, train: { epochs: 12, learningRate: 1e-2 }, finetune: { fromRunId: 'pre', bodyLrScale: 0.5 } }), data, runDir: ftDir, resume: false, initFrom: join(preDir, 'model') },
      quiet,
      new AbortController().signal,
    )
    expect(ft.metrics!.accuracy).toBeGreaterThanOrEqual(0.85)
    expect(tf.memory().numTensors).toBe(before)
    const loaded = await loadModel(join(ftDir, 'model'))
    expect(loaded.model.spec.dims.arch).toBe('decoder')
    expect(loaded.model.spec.head).toBe('classify')
    loaded.dispose()
  })
})
