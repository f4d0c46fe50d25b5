// Fine-tuning from an imported base (the BERT and GPT-2 fixture checkpoints): all three modes learn the
// task; frozen features leave every body weight exactly as imported and LoRA merges into a plain model;
// the saved model keeps the base's own tokenizer; the export bundle predicts what the app predicts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend, loadModel, predictTexts, runTraining } from '../../../src/main/engine'
import { planImport, readBaseFolder, writeBase } from '../../../src/main/engine/bases/import-base'
import { exportModel } from '../../../src/main/engine/export'
import { readModelFolder } from '../../../src/main/engine/model-folder'
import { resolveConfig, type FinetuneMode } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'bases')
const root = mkdtempSync(join(tmpdir(), 'finetune-base-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeAll(async () => {
  await initBackend(['wasm'])
})

const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

// Words the fixtures' tiny vocabularies hold: animals against coffee-house words.
function rows(n: number, seed: number) {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
  const filler = ['the', 'and', 'over', 'is', 'all', 'again', 'many', 'wide']
  const topic = [['fox', 'dog', 'lazy', 'jumps', 'brown'], ['coffee', 'cafe', 'creme', 'brulee', 'serves']]
  const texts: string[] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const y = i % 2
    const words = Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => pick(filler))
    words.splice(Math.floor(rnd() * words.length), 0, pick(topic[y]), pick(topic[y]))
    texts.push(words.join(' '))
    labels.push(y)
  }
  return { texts, labels }
}
const train = rows(64, 3)
const val = rows(32, 11)
const data: JobData = { labels: ['animals', 'coffee'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }

async function importFixture(name: string): Promise<string> {
  const dir = join(root, `base-${name}`)
  await writeBase(planImport(join(FIXTURES, name)), dir)
  return dir
}

describe.each(['bert-tiny', 'gpt2-tiny'])('fine-tuning from the imported %s base', (fixture) => {
  let baseDir = ''
  beforeAll(async () => {
    baseDir = await importFixture(fixture)
  })

  it('refuses to continue pretraining an imported base (its tokenizer has its own special tokens)', async () => {
    const config = resolveConfig(null, { task: 'pretrain', model: { arch: fixture.startsWith('gpt2') ? 'decoder' : 'encoder' }, finetune: { baseId: 'base_fixture' } })
    await expect(runTraining({ config, data: { ...data, unlabeled: train.texts }, runDir: join(root, `${fixture}-pre`), resume: false, initFrom: baseDir }, quiet, new AbortController().signal)).rejects.toThrow(/Continuing pretraining works on bases pretrained in this app/)
  })

  it.each(['frozen', 'lora', 'full'] as FinetuneMode[])('mode %s learns the task and exports a bundle that predicts like the app', { timeout: 300_000 }, async (mode) => {
    const before = tf.memory().numTensors
    const runDir = join(root, `${fixture}-${mode}`)
    const logs: string[] = []
    const config = resolveConfig(null, {
      model: { dropout: 0, attnDropout: 0, pooling: 'mean' },
      train: { epochs: 20, batchSize: 16, learningRate: 1e-2, patience: 0 },
      finetune: { baseId: 'base_fixture', mode, bodyLrScale: 0.5, lora: { rank: 4, alpha: 16, ffn: true } },
    })
    const res = await runTraining({ config, data, runDir, resume: false, initFrom: baseDir }, { ...quiet, onLog: (_l, m) => logs.push(m) }, new AbortController().signal)
    // The fixtures are tiny random bodies (16 wide): above chance (0.5) is what they can show, and a head
    // alone on a random body's features shows less than training through it. Which rows share a batch moves
    // these bodies by a row or two of the 32 (23 of 32 is already p < 0.01 against chance).
    expect(res.metrics!.accuracy).toBeGreaterThanOrEqual(mode === 'frozen' ? 0.65 : 0.7)
    expect(tf.memory().numTensors).toBe(before)

    const saved = readModelFolder(join(runDir, 'model'))
    const base = readBaseFolder(baseDir)
    // The base's own tokenizer travels with the model (and so into the bundle).
    expect(saved.file.tokenizer).toEqual(base.tokenizer)
    expect(saved.file.spec.lora).toBeNull()
    expect([...saved.weights.keys()].some((n) => n.includes('lora'))).toBe(false)
    const same = (name: string) => saved.weights.get(name)!.data.every((v, i) => v === base.weights.get(name)!.data[i])
    const bodyNames = [...base.weights.keys()].filter((n) => saved.weights.has(n))
    expect(bodyNames.length).toBeGreaterThan(4)
    if (mode === 'frozen') for (const n of bodyNames) expect(same(n)).toBe(true)
    else expect(bodyNames.some((n) => !same(n))).toBe(true)
    if (mode === 'frozen') expect(logs.some((l) => /once over \d+ texts/.test(l))).toBe(true)

    const exported = await exportModel({ modelDir: join(runDir, 'model'), outDir: join(runDir, 'export'), formats: ['tfjs', 'onnx'], data, card: { runId: 'run_x', runName: `${fixture} ${mode}`, appVersion: '0.1.0' } })
    expect(exported.verification.ok, JSON.stringify(exported.verification)).toBe(true)
    const m = await loadModel(join(runDir, 'model'))
    const app = await predictTexts(m, val.texts.slice(0, 4), { attention: false })
    // The attention explorer: one map per layer and head of the base, over the base's own tokens.
    const [withAttention] = await predictTexts(m, [val.texts[0]], { attention: true })
    m.dispose()
    expect(app.every((p) => data.labels.includes(p.label))).toBe(true)
    const att = withAttention.attention!
    expect(att.weights).toHaveLength(base.file.arch.nLayers)
    expect(att.weights[0]).toHaveLength(base.file.arch.nHeads)
    expect(att.weights[0][0]).toHaveLength(att.tokens.length)
    expect(Math.abs(att.rollout.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4)
  })
})
