// Export of the classic baseline: every format (tfjs graph model, ONNX, .zip) read back from disk gives
// the app's baseline probabilities on the test rows; predict.mjs with the vectorizer compiled in runs
// in a separate Node process that sees only the bundle and @tensorflow/tfjs; the demo page classifies
// from file:// offline; the importer refuses a baseline bundle in a sentence; a damaged baseline.json
// is refused too.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as ort from 'onnxruntime-node'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { initBackend } from '../../../../src/main/engine'
import { baselineFile, trainBaselineBeside } from '../../../../src/main/engine/baseline/beside-run'
import { predictBaseline, type BaselineModel } from '../../../../src/main/engine/baseline'
import { TfidfVectorizer } from '../../../../src/main/engine/baseline/tfidf'
import { exportBaseline, parseBundle, readBundleSource, type ExportVerification } from '../../../../src/main/engine/export'
import { denseRows } from '../../../../src/main/engine/export/runtime/tfidf-classifier'
import { tinyTexts } from '../../../helpers/tiny-data'

const root = mkdtempSync(join(tmpdir(), 'wb-baseline-export-'))
const runDir = join(root, 'run')
const outDir = join(root, 'bundle')
const projectModules = resolve(__dirname, '../../../../node_modules')
let data: JobData
let model: BaselineModel
let result: { files: string[]; verification: ExportVerification }

const probs = (p: { probabilities: Record<string, number> }) => model.labels.map((l) => p.probabilities[l])
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - b[i][c]))))

beforeAll(async () => {
  await initBackend(['cpu'])
  const val = tinyTexts(24, 99)
  const test = tinyTexts(40, 123)
  // Some label noise, so probabilities are not all saturated and the parity check means something.
  const train = tinyTexts(120, 7)
  train.labels = train.labels.map((y, i) => (i % 9 === 0 ? 1 - y : y))
  data = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) }, test: { ...test, indices: test.texts.map((_, i) => i) } }
  mkdirSync(runDir, { recursive: true })
  const metrics = trainBaselineBeside(data, runDir, { onLog: () => {} })
  expect(metrics).toBeDefined()
  model = JSON.parse(readFileSync(join(runDir, baselineFile), 'utf8')) as BaselineModel
  result = await exportBaseline({ baselinePath: join(runDir, baselineFile), outDir, formats: ['tfjs', 'onnx', 'zip'], data, card: { runId: 'run_b', runName: 'Tiny sentiment', appVersion: '0.1.0', metrics: { accuracy: 0.9, macroF1: 0.9, split: 'test', baseline: metrics } } })
}, 120_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('exportBaseline', () => {
  it('the saved baseline is written whole, beside the run', () => {
    expect(readdirSync(runDir)).toEqual([baselineFile])
    expect(model.kind).toBe('tfidf-logreg')
  })

  it('writes every format and verifies each against the app on the check inputs and the test rows', () => {
    const v = result.verification
    expect(v.ok).toBe(true)
    expect(Object.keys(v.formats).sort()).toEqual(['onnx', 'tfjs', 'zip'])
    for (const f of Object.values(v.formats)) {
      expect(f.labelMismatches).toBe(0)
      expect(f.maxProbDiff).toBeLessThanOrEqual(1e-4)
    }
    expect(v.rows).toBe(data.test!.texts.length + 4)
    for (const f of ['model.json', 'group1-shard1of1.bin', 'vectorizer.json', 'labels.json', 'workbench.json', 'checks.json', 'predict.mjs', 'demo.js', 'model-data.js', 'index.html', 'tf.min.js', 'MODEL_CARD.md', 'verification.json', 'model.onnx', 'model-bundle.zip']) {
      expect(result.files).toContain(f)
    }
    expect(readdirSync(outDir).sort()).toEqual([...result.files].sort())
    const card = readFileSync(join(outDir, 'MODEL_CARD.md'), 'utf8')
    expect(card).toContain('# Tiny sentiment: classic baseline')
    expect(card).toMatch(/Accuracy on the 40 test rows/)
  })

  it('ships the vectorizer exactly as fitted and a graph of stock ops over the feature row', () => {
    const vec = JSON.parse(readFileSync(join(outDir, 'vectorizer.json'), 'utf8'))
    expect(vec.format).toBe('attention-workbench-tfidf')
    expect(vec.vocab).toEqual(model.tfidf.vocab)
    expect(vec.idf).toEqual(model.tfidf.idf)
    expect(vec.options).toEqual(model.tfidf.options)
    const json = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'))
    const ops = new Set<string>(json.modelTopology.node.map((n: { op: string }) => n.op))
    for (const op of ops) expect(['AddV2', 'Const', 'Identity', 'MatMul', 'Placeholder', 'Softmax']).toContain(op)
    expect(ops.has('MatMul') && ops.has('Softmax')).toBe(true)
    const features = model.logistic.nFeatures
    expect(json.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'logreg/w').shape).toEqual([features, 2])
  })

  it('the ONNX file gives the app probabilities on the test rows through onnxruntime-node', async () => {
    const session = await ort.InferenceSession.create(readFileSync(join(outDir, 'model.onnx')))
    const texts = data.test!.texts
    const vec = new TfidfVectorizer(model.tfidf)
    const out = await session.run({ features: new ort.Tensor('float32', denseRows(vec.transformAll(texts), vec.nFeatures), [texts.length, vec.nFeatures]) })
    const p = out.probabilities.data as Float32Array
    const got = texts.map((_, i) => [p[2 * i], p[2 * i + 1]])
    const app = predictBaseline(model, texts).map(probs)
    expect(maxDiff(got, app)).toBeLessThanOrEqual(1e-4)
    // Not all saturated: the comparison is not 0 vs 0 and 1 vs 1.
    expect(app.some((r) => r[0] > 0.05 && r[0] < 0.95)).toBe(true)
    await session.release()
  })

  it('predict.mjs classifies in a separate Node process with only the bundle and @tensorflow/tfjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-predict-baseline-'))
    try {
      for (const f of result.files) if (!f.endsWith('.zip') && !f.endsWith('.onnx')) copyFileSync(join(outDir, f), join(dir, f))
      mkdirSync(join(dir, 'node_modules'))
      symlinkSync(join(projectModules, '@tensorflow'), join(dir, 'node_modules', '@tensorflow'), 'dir')
      const texts = data.test!.texts.slice(0, 6)
      const env = { PATH: process.env.PATH ?? '', HOME: dir }
      const run = spawnSync(process.execPath, ['predict.mjs', '--json', ...texts], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      const out = JSON.parse(run.stdout) as { label: string; probabilities: Record<string, number> }[]
      const app = predictBaseline(model, texts)
      expect(out.map((o) => o.label)).toEqual(app.map((a) => a.label))
      expect(maxDiff(out.map(probs), app.map(probs))).toBeLessThanOrEqual(1e-4)
      const check = spawnSync(process.execPath, ['predict.mjs', '--check'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(check.status).toBe(0)
      expect(check.stdout).toMatch(/^OK: 4 check inputs/)
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
      const text = data.test!.texts[5]
      await page.fill('#text', text)
      await page.click('#classify')
      await page.waitForSelector('#result[data-label]', { timeout: 30_000 })
      const [app] = predictBaseline(model, [text])
      expect(await page.getAttribute('#result', 'data-label')).toBe(app.label)
      const got = JSON.parse((await page.getAttribute('#result', 'data-probabilities')) ?? '{}') as Record<string, number>
      expect(maxDiff([probs({ probabilities: got })], [probs(app)])).toBeLessThanOrEqual(1e-4)
      expect(errors).toEqual([])
      expect(network).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('the importer refuses a baseline bundle in a sentence', async () => {
    expect(() => parseBundle(new Map())).toThrow(/not a model bundle/)
    const files = await readBundleSource(join(outDir, 'model-bundle.zip'))
    expect(() => parseBundle(files)).toThrow(/holds a classic baseline \(TF-IDF \+ logistic regression\), which the app does not take back as a run/)
  })

  it('refuses a damaged baseline.json in a sentence and writes nothing', async () => {
    const bad = join(root, 'bad.json')
    writeFileSync(bad, JSON.stringify({ ...model, logistic: { ...model.logistic, weights: [1, 2, 3] } }))
    const dir = join(root, 'bad-out')
    await expect(exportBaseline({ baselinePath: bad, outDir: dir, formats: ['tfjs'], data, card: {} })).rejects.toThrow(/saved classic baseline \(baseline.json\) is damaged/)
    expect(existsSync(dir)).toBe(false)
  })
})
