// Export round trips on a tiny trained model (cpu backend): every format reproduces the app, the
// bundle's predict.mjs runs in a separate Node process that sees only the bundle and @tensorflow/tfjs,
// the demo page classifies from file:// in Chromium, ONNX parity through onnxruntime-node, the .zip
// and the importer's rebuild give back the same model, and damaged bundles are refused clearly.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as ort from 'onnxruntime-node'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../../../src/shared/api'
import { resolveConfig } from '../../../../src/shared/config'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { initBackend, loadModel, predictTexts, runTraining, type LoadedModel } from '../../../../src/main/engine'
import { bundleFiles, exportModel, parseBundle, readBundleSource, verifyExport, type ExportVerification } from '../../../../src/main/engine/export'
import { writeBundle } from '../../../../src/main/engine/export'
import { readModelFolder, saveModelFolder } from '../../../../src/main/engine/model-folder'
import { buildModel, resolveDims } from '../../../../src/main/engine/models'
import { readParams } from '../../../../src/main/engine/params'
import { encodeBatch, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { tinyTexts } from '../../../helpers/tiny-data'

const root = mkdtempSync(join(tmpdir(), 'wb-export-'))
const modelDir = join(root, 'run', 'model')
const outDir = join(root, 'bundle')
const projectModules = resolve(__dirname, '../../../../node_modules')
let data: JobData
let model: LoadedModel
let result: { files: string[]; verification: ExportVerification }

const probsOf = (m: LoadedModel, p: { probabilities: Record<string, number> }) => m.labels.map((l) => p.probabilities[l])
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - b[i][c]))))

beforeAll(async () => {
  await initBackend(['cpu'])
  const train = tinyTexts(96, 7)
  const val = tinyTexts(24, 99)
  data = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
  const config = resolveConfig(null, {
    model: { dModel: 32, nHeads: 2, nLayers: 2, seqLen: 16, ffnDim: 64, dropout: 0, attnDropout: 0 },
    tokenizer: { kind: 'word', vocabSize: 64 },
    train: { epochs: 12, batchSize: 16, learningRate: 5e-3, patience: 0 },
  })
  const noop = () => {}
  await runTraining({ config, data, runDir: join(root, 'run'), resume: false, initFrom: null }, { onProgress: noop, onMetric: noop, onCheckpoint: noop, onLog: noop }, new AbortController().signal)
  model = await loadModel(modelDir)
  result = await exportModel({ modelDir, outDir, formats: ['tfjs', 'onnx', 'zip'], data, card: { runId: 'run_test', runName: 'Tiny sentiment', appVersion: '0.1.0' } })
})

afterAll(() => {
  model?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('exportModel', () => {
  it('writes every format and verifies each against the app on the validation rows', () => {
    const v = result.verification
    expect(v.ok).toBe(true)
    expect(Object.keys(v.formats).sort()).toEqual(['onnx', 'tfjs', 'zip'])
    for (const f of Object.values(v.formats)) {
      expect(f.labelMismatches).toBe(0)
      expect(f.maxProbDiff).toBeLessThanOrEqual(1e-4)
    }
    expect(v.rows).toBe(data.validation.texts.length + 5) // validation rows + the generated check inputs
    for (const f of ['model.json', 'group1-shard1of1.bin', 'tokenizer.json', 'labels.json', 'preprocessing.json', 'predict.mjs', 'index.html', 'tf.min.js', 'MODEL_CARD.md', 'confusion-matrix.png', 'model.onnx', 'model-bundle.zip']) {
      expect(result.files).toContain(f)
    }
    expect(readdirSync(outDir).sort()).toEqual([...result.files].sort())
  })

  it('writes a standard graph model whose weights keep the engine names', () => {
    const json = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'))
    expect(json.format).toBe('graph-model')
    const ops = new Set<string>(json.modelTopology.node.map((n: { op: string }) => n.op))
    // Only stock TensorFlow ops: nothing custom for tf.loadGraphModel to need.
    for (const op of ops) expect(['Const', 'Placeholder', 'GatherV2', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'MatMul', 'BatchMatMulV2', 'Transpose', 'Reshape', 'Softmax', 'Sigmoid', 'Rsqrt', 'Mean', 'Sum', 'Slice', 'Identity', 'Shape', 'ConcatV2']).toContain(op)
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name)
    expect(names).toContain('block_1/attn/qkv')
    expect(Object.keys(json.signature.outputs)).toEqual(['probabilities', 'attention_0', 'attention_1'])
  })

  it('writes a model card with the dataset size, hyperparameters, per-class metrics and the confusion matrix image', () => {
    const card = readFileSync(join(outDir, 'MODEL_CARD.md'), 'utf8')
    expect(card).toContain('# Tiny sentiment')
    expect(card).toContain(`${data.train.texts.length} training, ${data.validation.texts.length} validation`)
    expect(card).toMatch(/\| dModel \| 32 \|/)
    expect(card).toMatch(/\| negative \| \d+\.\d% \| \d+\.\d% \| \d+\.\d% \| \d+ \|/)
    expect(card).toContain('![Confusion matrix')
    expect(card).toContain('## Intended use and limits')
    const png = readFileSync(join(outDir, 'confusion-matrix.png'))
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  })

  it('predict.mjs classifies in a separate Node process with only the bundle and @tensorflow/tfjs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-predict-'))
    try {
      for (const f of result.files) if (!f.endsWith('.zip') && !f.endsWith('.onnx')) copyFileSync(join(outDir, f), join(dir, f))
      mkdirSync(join(dir, 'node_modules'))
      symlinkSync(join(projectModules, '@tensorflow'), join(dir, 'node_modules', '@tensorflow'), 'dir')
      const text = data.validation.texts[3]
      const env = { PATH: process.env.PATH ?? '', HOME: dir }
      const run = spawnSync(process.execPath, ['predict.mjs', '--json', text], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      const out = JSON.parse(run.stdout) as { label: string; probabilities: Record<string, number> }
      const [app] = await predictTexts(model, [text], { attention: false })
      expect(out.label).toBe(app.label)
      expect(maxDiff([probsOf(model, out)], [probsOf(model, app)])).toBeLessThanOrEqual(1e-4)
      const plain = spawnSync(process.execPath, ['predict.mjs', text], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(plain.stdout).toContain(`label: ${app.label}`)
      const check = spawnSync(process.execPath, ['predict.mjs', '--check'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(check.status).toBe(0)
      expect(check.stdout).toMatch(/^OK: 5 check inputs/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the demo page opened from file:// in Chromium classifies a text like the app, offline', async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    try {
      const page = await browser.newPage()
      const network: string[] = []
      await page.route('**/*', (route) => {
        const url = route.request().url()
        if (url.startsWith('file:')) return route.continue()
        network.push(url)
        return route.abort()
      })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(pathToFileURL(join(outDir, 'index.html')).href)
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
      const text = data.validation.texts[5]
      await page.fill('#text', text)
      await page.click('#classify')
      await page.waitForSelector('#result[data-label]', { timeout: 30_000 })
      const label = await page.getAttribute('#result', 'data-label')
      const probs = JSON.parse((await page.getAttribute('#result', 'data-probabilities')) ?? '{}') as Record<string, number>
      const [app] = await predictTexts(model, [text], { attention: true })
      expect(label).toBe(app.label)
      expect(maxDiff([probsOf(model, { probabilities: probs })], [probsOf(model, app)])).toBeLessThanOrEqual(1e-4)
      // One highlighted token per token the model saw, [CLS] first.
      const tokens = await page.$$eval('.token', (els) => els.map((e) => e.textContent))
      expect(tokens).toEqual(app.attention!.tokens)
      expect(errors).toEqual([])
      expect(network).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('the ONNX file gives the app probabilities through onnxruntime-node', async () => {
    const session = await ort.InferenceSession.create(readFileSync(join(outDir, 'model.onnx')))
    const texts = data.validation.texts
    const enc = encodeBatch(model.tokenizer, texts, { seqLen: 16, addCls: true, padTo: 'max' })
    const out = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from(enc.ids, (v) => BigInt(v)), [enc.B, enc.T]), mask: new ort.Tensor('float32', enc.mask, [enc.B, enc.T]) })
    const p = out.probabilities.data as Float32Array
    const onnx = texts.map((_, i) => [p[2 * i], p[2 * i + 1]])
    const app = (await predictTexts(model, texts, { attention: false })).map((x) => probsOf(model, x))
    expect(maxDiff(onnx, app)).toBeLessThanOrEqual(1e-4)
    expect(out.attention_1.dims).toEqual([texts.length, 2, 16, 16])
    await session.release()
  })

  it('the .zip and the bundle folder read back to exactly the saved weights, and a rebuilt model folder predicts the same', async () => {
    const saved = readModelFolder(modelDir)
    for (const source of [outDir, join(outDir, bundleFiles.zip)]) {
      const b = parseBundle(await readBundleSource(source))
      expect([...b.weights.keys()]).toEqual(saved.file.weights.map((w) => w.name))
      for (const [name, w] of saved.weights) expect(b.weights.get(name)!.data).toEqual(w.data)
    }
    const b = parseBundle(await readBundleSource(join(outDir, bundleFiles.zip)))
    const rebuilt = join(root, 'rebuilt')
    saveModelFolder(rebuilt, { task: b.meta.task, config: b.meta.config, spec: b.meta.spec, labels: b.meta.labels, tokenizer: b.runtime.tokenizer, training: b.meta.training }, b.weights)
    const again = await loadModel(rebuilt)
    const texts = data.validation.texts.slice(0, 8)
    const [x, y] = [await predictTexts(model, texts, { attention: false }), await predictTexts(again, texts, { attention: false })]
    expect(y).toEqual(x)
    again.dispose()
  })

  it('refuses damaged or foreign bundles with a message that names the problem', async () => {
    const copy = (name: string, edit: (dir: string) => void) => {
      const dir = join(root, 'bad', name)
      mkdirSync(dir, { recursive: true })
      for (const f of result.files) if (!f.endsWith('.zip')) copyFileSync(join(outDir, f), join(dir, f))
      edit(dir)
      return dir
    }
    const refused = async (dir: string) => {
      try {
        parseBundle(await readBundleSource(dir))
      } catch (err) {
        expect(err).toBeInstanceOf(UserError)
        return (err as Error).message
      }
      throw new Error('the bundle was accepted')
    }
    const bin = 'group1-shard1of1.bin'
    expect(await refused(copy('badjson', (d) => writeFileSync(join(d, 'model.json'), '{"format": "graph-model", ')))).toMatch(/model\.json is not valid JSON/)
    expect(await refused(copy('noweights', (d) => rmSync(join(d, bin))))).toMatch(/weights file group1-shard1of1\.bin is missing/)
    expect(await refused(copy('short', (d) => writeFileSync(join(d, bin), readFileSync(join(d, bin)).subarray(0, 1000))))).toMatch(/cut short/)
    expect(
      await refused(
        copy('shape', (d) => {
          // Consistent files, but the head no longer fits the model's settings.
          for (const f of ['model.json', 'workbench.json']) {
            const j = readFileSync(join(d, f), 'utf8').replace(/"name":"head\/b","shape":\[2\]/, '"name":"head/b","shape":[1]').replace(/"name": "head\/b",\s*"shape": \[\s*2\s*\]/, '"name":"head/b","shape":[1]')
            writeFileSync(join(d, f), j)
          }
          const w = readFileSync(join(d, bin))
          writeFileSync(join(d, bin), w.subarray(0, w.length - 4))
        }),
      ),
    ).toMatch(/head\/b.*shape/)
    expect(await refused(copy('foreign', (d) => rmSync(join(d, 'workbench.json'))))).toMatch(/not a model bundle/)
    const notZip = join(root, 'bad', 'notes.zip')
    writeFileSync(notZip, 'just some text')
    expect(await refused(notZip)).toMatch(/not a model bundle/)
    const brokenZip = join(root, 'bad', 'broken.zip')
    writeFileSync(brokenZip, readFileSync(join(outDir, bundleFiles.zip)).subarray(0, 5000))
    expect(await refused(brokenZip)).toMatch(/damaged/)
  })

  it('fails the check when an exported weight is tampered with', async () => {
    const dir = join(root, 'tampered')
    mkdirSync(dir)
    await writeBundle({ modelDir, outDir: dir, formats: ['tfjs', 'onnx'], data, card: {}, model })
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
    let offset = 0
    for (const w of json.weightsManifest[0].weights) {
      if (w.name === 'head/b') break
      offset += w.shape.reduce((a: number, b: number) => a * b, 1) * 4
    }
    const bin = readFileSync(join(dir, 'group1-shard1of1.bin'))
    bin.writeFloatLE(bin.readFloatLE(offset) + 3, offset) // push every row towards class 0
    writeFileSync(join(dir, 'group1-shard1of1.bin'), bin)
    const v = await verifyExport({ outDir: dir, formats: ['tfjs', 'onnx'], reference: model, texts: data.validation.texts })
    expect(v.ok).toBe(false)
    expect(v.formats.tfjs.ok).toBe(false)
    expect(v.formats.tfjs.message).toMatch(/tfjs: \d+ of 24 rows got a different label; largest probability difference/)
    expect(v.formats.onnx.ok).toBe(true) // the ONNX file was written before the tampering, from the model folder
  })
})

describe('exportModel on other architectures', () => {
  const tok = () => trainTokenizer({ kind: 'word', vocabSize: 48, lowercase: true, normalize: 'NFKC' }, tinyTexts(40, 3).texts)
  const variants: [string, Record<string, unknown>][] = [
    ['decoder classifier', { arch: 'decoder' }],
    ['bag of embeddings', { arch: 'bag' }],
    ['linear attention, mean pooling, sinusoidal positions', { attention: 'linear', pooling: 'mean', positional: 'sinusoidal' }],
    ['sliding window with grouped-query attention', { attention: 'sliding', window: 2, nHeads: 4, nKvHeads: 2 }],
  ]
  for (const [name, over] of variants) {
    it(`verifies tfjs and ONNX for a ${name}`, async () => {
      const t = tok()
      const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 2, seqLen: 12, ...over } })
      const spec = { dims: resolveDims(config.model, t.vocabSize), head: 'classify' as const, nClasses: 3, lora: null }
      const m = buildModel(spec, 11)
      const dir = join(root, 'variant', name.replace(/\W+/g, '-'))
      saveModelFolder(join(dir, 'model'), { task: 'classify', config, spec, labels: ['a', 'b', 'c'], tokenizer: t.toJSON(), training: { bestEpoch: 0, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } }, await readParams(m.params))
      for (const v of m.params.values()) v.dispose()
      const texts = tinyTexts(10, 5).texts
      const r = await exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs', 'onnx'], data: { ...data, validation: { texts, labels: texts.map(() => 0), indices: texts.map((_, i) => i) } }, card: {} })
      expect(r.verification.ok).toBe(true)
      expect(r.verification.maxProbDiff).toBeLessThanOrEqual(1e-4)
      expect(r.files).toContain('model.onnx')
    })
  }

  it('refuses a pretrained language model with a plain reason', async () => {
    const t = tok()
    const config = resolveConfig(null, { task: 'pretrain', model: { arch: 'decoder', dModel: 16, nHeads: 2, nLayers: 1, seqLen: 12 } })
    const spec = { dims: resolveDims(config.model, t.vocabSize), head: 'lm' as const, nClasses: 0, lora: null }
    const m = buildModel(spec, 2)
    const dir = join(root, 'lm')
    saveModelFolder(join(dir, 'model'), { task: 'pretrain', config, spec, labels: [], tokenizer: t.toJSON(), training: { bestEpoch: 0, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } }, await readParams(m.params))
    for (const v of m.params.values()) v.dispose()
    await expect(exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs'], data: null, card: {} })).rejects.toThrow(/pretrained language model, not a classifier/)
  })
})
