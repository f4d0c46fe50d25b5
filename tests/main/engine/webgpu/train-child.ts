// Child process of the WebGPU parity test: trains a tiny model of one architecture on one pinned
// backend from a fixed seed, exports it (the tfjs bundle, verified on the same backend) and prints one JSON
// line {backend, description, losses, labels, positive, exported: {ok, maxProbDiff, labels, positive}, stepMs, trainMs, exportMs}.
//   node --import tsx train-child.ts <backend> <arch> <runDir> [oversize]
// With `oversize` the batch and sequence length are far past any adapter's buffer limit (the run must refuse).
import { initBackend, loadModel, predictTexts, runTraining } from '../../../../src/main/engine'
import { exportModel, parseBundle, readBundleSource } from '../../../../src/main/engine/export'
import { loadClassifier } from '../../../../src/main/engine/export/runtime/classifier'
import { tfForRuntime } from '../../../../src/main/engine/export/verify'
import type { BackendChoice } from '../../../../src/main/engine/backend-select'
import { resolveConfig } from '../../../../src/shared/config'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { tinyTexts } from '../../../helpers/tiny-data'

const [backendName, arch, runDir, oversize] = process.argv.slice(2) as [BackendChoice, 'encoder' | 'decoder' | 'bag', string, string?]

try {
  const backend = await initBackend([backendName])
  const train = tinyTexts(24, 7)
  const val = tinyTexts(8, 99)
  const data: JobData = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
  const config = resolveConfig(null, {
    model: { arch, dModel: 16, nHeads: 2, nLayers: 1, ffnDim: 32, seqLen: oversize ? 512 : 16, dropout: 0.1, attnDropout: 0.1 },
    tokenizer: { kind: 'word', vocabSize: 64 },
    train: { epochs: 1, batchSize: oversize ? 1024 : 8, learningRate: 3e-3, patience: 0, seed: 5 },
  })
  const losses: number[] = []
  const t0 = performance.now()
  await runTraining(
    { config, data, runDir, resume: false, initFrom: null, checkpointEverySteps: 0 },
    { onProgress() {}, onMetric: (m) => void (m.split === 'train' && losses.push(m.loss)), onCheckpoint() {}, onLog() {} },
    new AbortController().signal,
  )
  const trainMs = performance.now() - t0
  const stepMs = trainMs / Math.max(1, losses.length)
  const model = await loadModel(`${runDir}/model`)
  const predictions = await predictTexts(model, val.texts, { attention: false })
  const labels = predictions.map((p) => p.label)
  const positive = predictions.map((p) => p.probabilities.positive)
  model.dispose()
  // The exported bundle, as predict.mjs runs it (graph model + the bundle's tokenizer), on this backend.
  const outDir = `${runDir}/export`
  const t1 = performance.now()
  const { verification } = await exportModel({ modelDir: `${runDir}/model`, outDir, formats: ['tfjs'], data: null, card: {} })
  const classifier = await loadClassifier(tfForRuntime, parseBundle(await readBundleSource(outDir)).runtime)
  const got = await classifier.classify(val.texts)
  classifier.dispose()
  const exportMs = performance.now() - t1
  const exported = { ok: verification.ok, maxProbDiff: verification.maxProbDiff, labels: got.map((p) => p.label), positive: got.map((p) => p.probabilities.positive!) }
  console.log(JSON.stringify({ ok: true, backend: backend.name, description: backend.description, losses, labels, positive, exported, stepMs, trainMs, exportMs }))
} catch (err) {
  console.log(JSON.stringify({ ok: false, message: (err as Error).message }))
}
// Dawn keeps the process alive after its device is created.
process.exit(0)
