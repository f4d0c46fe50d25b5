// Export of a run's classic baseline (TF-IDF + logistic regression), verified like every export: a
// TensorFlow.js graph model and an ONNX model over the TF-IDF feature row, vectorizer.json with the
// fitted vocabularies and idf, predict.mjs with the vectorizer compiled in, the offline demo page, a
// model card and a .zip; each format is read back from disk and must give the app's probabilities.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import type { BaselineMetrics } from '../../../shared/domain'
import type { JobData } from '../../../shared/trainer-protocol'
import { predictBaseline, type BaselineModel } from '../baseline'
import { TfidfVectorizer } from '../baseline/tfidf'
import { baselineCard } from './baseline-card'
import { baselineGraph, baselineProbeTexts, parseBaselineBundle, readBaselineModel, vectorizerFile, type BaselineBundleMeta } from './baseline-files'
import { bundleFiles } from './bundle-meta'
import { readBundleSource } from './bundle-source'
import { demoHtml } from './demo-html'
import { normaliseFormats, prepareOutDir, tfjsBrowserBuild } from './export-common'
import { toOnnx } from './onnx'
import { denseRows, loadTfidfClassifier, tfidfGraphNames, type TfidfBundleFiles } from './runtime/tfidf-classifier'
import type { BundleChecks } from './runtime/types'
import { runtimeScripts } from './runtime-build'
import { tfjsWeightsFile, toTfjsGraphModel } from './tfjs-graph'
import { compareProbs, summarise, tfForRuntime, type ExportVerification } from './verify'

/** Test (else validation) rows checked at most. */
const maxCheckRows = 1000

/** What exportBaseline needs. */
export interface BaselineExportOptions {
  /** The run folder's baseline.json. */
  baselinePath: string
  outDir: string
  formats: string[]
  /** The run's rows: the check runs on its test split (validation when it has none). */
  data: JobData | null
  /** Run facts for the card: runId, runName, appVersion, metrics (with metrics.baseline). */
  card: Record<string, unknown>
}

type Facts = { runId?: string; runName?: string; appVersion?: string; metrics?: { accuracy?: number; macroF1?: number; split?: string; baseline?: BaselineMetrics } | null }

/** Exports, verifies and, when the check fails, removes what it wrote (the result says why). */
export async function exportBaseline(opts: BaselineExportOptions): Promise<{ files: string[]; verification: ExportVerification }> {
  const formats = normaliseFormats(opts.formats)
  const model = readBaselineModel(opts.baselinePath)
  prepareOutDir(opts.outDir)
  const facts = opts.card as Facts
  const files = await writeBaselineBundle(opts.outDir, formats, model, facts)
  const rows = opts.data?.test?.texts.length ? opts.data.test.texts : (opts.data?.validation.texts ?? [])
  const texts = [...baselineProbeTexts(model), ...rows.slice(0, maxCheckRows)]
  const expected = appProbs(model, texts)
  let verification = await verifyBaselineExport(opts.outDir, formats.filter((f) => f !== 'zip'), texts, expected)
  if (verification.ok) {
    const card = baselineCard({ model, facts, verification, formats, checkedOn: opts.data?.test?.texts.length ? 'test' : 'validation' })
    writeFileSync(join(opts.outDir, bundleFiles.card), card)
    writeFileSync(join(opts.outDir, bundleFiles.verification), JSON.stringify(verification, null, 2))
    files.push(bundleFiles.card, bundleFiles.verification)
    if (formats.includes('zip')) {
      const entries: Record<string, Uint8Array> = {}
      for (const f of files) entries[f] = readFileSync(join(opts.outDir, f))
      writeFileSync(join(opts.outDir, bundleFiles.zip), zipSync(entries, { level: 6 }))
      files.push(bundleFiles.zip)
      const zipCheck = await verifyBaselineExport(opts.outDir, ['zip'], texts, expected)
      verification = summarise({ ...verification.formats, ...zipCheck.formats }, texts.length)
      writeFileSync(join(opts.outDir, bundleFiles.verification), JSON.stringify(verification, null, 2))
    }
  }
  if (!verification.ok) {
    for (const f of files) rmSync(join(opts.outDir, f), { force: true })
    return { files: [], verification }
  }
  return { files, verification }
}

/** The app's own probabilities (label order) for texts: the baseline as the trainer fitted it. */
export function appProbs(model: BaselineModel, texts: string[]): number[][] {
  return predictBaseline(model, texts).map((p) => model.labels.map((l) => p.probabilities[l]))
}

/** Writes the chosen formats' files; returns their names. */
async function writeBaselineBundle(outDir: string, formats: string[], model: BaselineModel, facts: Facts): Promise<string[]> {
  const files: string[] = []
  const put = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(outDir, name), data)
    files.push(name)
  }
  const title = `${facts.runName ?? 'Text classifier'}: classic baseline`
  const appVersion = facts.appVersion ?? '0.0.0'
  const vectorizer = vectorizerFile(model)
  const probes = baselineProbeTexts(model)
  const checks: BundleChecks = { texts: probes, probabilities: appProbs(model, probes) }
  const meta: BaselineBundleMeta = {
    format: 'attention-workbench-baseline-bundle',
    version: 1,
    kind: model.kind,
    appVersion,
    createdAt: new Date().toISOString(),
    run: { id: facts.runId ?? null, name: facts.runName ?? null },
    labels: model.labels,
    features: model.logistic.nFeatures,
    C: model.logistic.C,
  }
  put(bundleFiles.vectorizer, JSON.stringify(vectorizer))
  put(bundleFiles.labels, JSON.stringify(model.labels, null, 1))
  put(bundleFiles.meta, JSON.stringify(meta, null, 1))
  put(bundleFiles.checks, JSON.stringify(checks))
  const graph = baselineGraph(model)
  if (formats.includes('tfjs')) {
    const { modelJson, weights } = toTfjsGraphModel(graph, `Attention Workbench ${appVersion}`, { labels: model.labels, features: model.logistic.nFeatures, kind: model.kind })
    put(bundleFiles.model, JSON.stringify(modelJson))
    put(tfjsWeightsFile, weights)
    const scripts = await runtimeScripts()
    put(bundleFiles.predict, scripts.baselinePredictMjs)
    put('demo.js', scripts.baselineDemoJs)
    put('tf.min.js', readFileSync(tfjsBrowserBuild()))
    const modelData = { title, files: { model: modelJson, vectorizer, labels: model.labels }, weights: weights.toString('base64') }
    put('model-data.js', `// The model for index.html, as a script so the page works opened from disk.\nwindow.WORKBENCH_MODEL = ${JSON.stringify(modelData)};\n`)
    const factsLine = `Classic baseline: TF-IDF over word 1-2-grams and character 2-4-grams (${model.logistic.nFeatures} features) with multinomial logistic regression.`
    put(bundleFiles.demo, demoHtml({ title, labels: model.labels, facts: factsLine }))
  }
  if (formats.includes('onnx')) {
    const docString = `${title}: probabilities from a TF-IDF feature row ("${tfidfGraphNames.features}", float32 [batch, ${model.logistic.nFeatures}]); vectorizer.json holds the vectorizer, MODEL_CARD.md says how to build the row.`
    put(bundleFiles.onnx, toOnnx(graph, { producerVersion: appVersion, docString, metadata: { labels: JSON.stringify(model.labels), features: String(model.logistic.nFeatures) } }))
  }
  return files
}

/** Re-runs the written formats from disk ('tfjs', 'onnx', 'zip') on texts and compares with the app. */
export async function verifyBaselineExport(outDir: string, formats: string[], texts: string[], expected: number[][]): Promise<ExportVerification> {
  const checks: ExportVerification['formats'] = {}
  const guard = async (name: string, run: () => Promise<ExportVerification['formats'][string]>) => {
    try {
      checks[name] = await run()
    } catch (err) {
      checks[name] = { ok: false, maxProbDiff: Infinity, labelMismatches: 0, message: `${name}: ${(err as Error).message}` }
    }
  }
  const viaRuntime = async (files: TfidfBundleFiles, name: string) => {
    const classifier = await loadTfidfClassifier(tfForRuntime, files)
    try {
      return compareProbs(expected, (await classifier.classify(texts)).map((p) => p.probs), name)
    } finally {
      classifier.dispose()
    }
  }
  if (formats.includes('tfjs')) await guard('tfjs', async () => viaRuntime(parseBaselineBundle(await readBundleSource(outDir)).runtime, 'tfjs'))
  if (formats.includes('onnx')) await guard('onnx', async () => checkOnnx(outDir, texts, expected))
  if (formats.includes('zip')) await guard('zip', async () => viaRuntime(parseBaselineBundle(await readBundleSource(join(outDir, bundleFiles.zip))).runtime, 'zip'))
  return summarise(checks, texts.length)
}

async function checkOnnx(outDir: string, texts: string[], expected: number[][]): Promise<ExportVerification['formats'][string]> {
  const ort = await import('onnxruntime-node')
  const vectorizer = JSON.parse(readFileSync(join(outDir, bundleFiles.vectorizer), 'utf8')) as TfidfBundleFiles['vectorizer']
  const C = (JSON.parse(readFileSync(join(outDir, bundleFiles.labels), 'utf8')) as string[]).length
  const vec = new TfidfVectorizer(vectorizer)
  const session = await ort.InferenceSession.create(readFileSync(join(outDir, bundleFiles.onnx)))
  try {
    const got: number[][] = []
    for (let s = 0; s < texts.length; s += 32) {
      const batch = texts.slice(s, s + 32)
      const x = new ort.Tensor('float32', denseRows(vec.transformAll(batch), vec.nFeatures), [batch.length, vec.nFeatures])
      const out = await session.run({ [tfidfGraphNames.features]: x }, [tfidfGraphNames.probabilities])
      const data = out[tfidfGraphNames.probabilities].data as Float32Array
      for (let b = 0; b < batch.length; b++) got.push(Array.from(data.subarray(b * C, (b + 1) * C)))
    }
    return compareProbs(expected, got, 'onnx')
  } finally {
    await session.release()
  }
}
