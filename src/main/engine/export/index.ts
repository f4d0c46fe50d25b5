// Model export, verified: a saved model becomes a bundle that runs anywhere (a standard TensorFlow.js
// graph model + tokenizer + predict.mjs + an offline demo page + a model card), an ONNX file, and a
// .zip of the bundle; every format is then re-run from disk and compared with the app's own model.
// Runs in the trainer process (tfjs allowed); the main process only reads bundles (read-bundle.ts).
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { UserError } from '../../../shared/api'
import { exportFormats } from '../../../shared/formats'
import { modelInfo } from '../../../shared/models'
import type { JobData } from '../../../shared/trainer-protocol'
import { readModelFolder, type ModelFile } from '../model-folder'
import { loadModel, type LoadedModel } from '../predict'
import { CLS_ID, NUM_SPECIAL, PAD_ID, type Tokenizer } from '../tokenizers'
import { bundleFiles, type BundleMeta } from './bundle-meta'
import { demoHtml } from './demo-html'
import { normaliseFormats, prepareOutDir, tfjsBrowserBuild } from './export-common'
import { modelCard, type CardFacts } from './model-card'
import { toOnnx } from './onnx'
import { confusionMatrixPng } from './png'
import type { BundleChecks, Preprocessing } from './runtime/types'
import { runtimeScripts } from './runtime-build'
import { tfjsWeightsFile, toTfjsGraphModel } from './tfjs-graph'
import { graphNames, traceClassifier, type TracedModel } from './trace-model'
import { tableGraphNames, traceTableClassifier } from './trace-table'
import { imageGraphNames, traceImageClassifier } from './trace-image'
import { pixelsText } from './runtime/image-input'
import type { ImageShape } from '../models/types'
import type { TablePrep } from '../../../shared/table-prep'
import { referenceProbs, verifyExport, type ExportVerification } from './verify'

export { parseBundle, readBundleSource, type ParsedBundle } from './read-bundle'
export { bundleFiles, type BundleMeta } from './bundle-meta'
export { verifyExport, type ExportVerification } from './verify'
export { exportBaseline } from './baseline-export'
export type { CardFacts } from './model-card'

/** Formats an export can write (listed once, in shared/formats). */
export { exportFormats }

/** Validation rows checked at most (the check re-runs every format on each). */
const maxCheckRows = 1000
/** Images checked at most (each is size x size x channels numbers through every format). */
const maxCheckImages = 256
const confusionImage = 'confusion-matrix.png'

/** What exportModel needs. */
export interface ExportOptions {
  modelDir: string
  outDir: string
  formats: string[]
  /** Validation rows to verify on (null: only the generated check inputs). */
  data: JobData | null
  /** Run facts for the model card (see CardFacts). */
  card: Record<string, unknown>
  /** Image runs: the pixels of the images to verify on (test images, else validation), at the model's size. */
  images?: Uint8Array[]
}

/** Exports, verifies and, when the check fails, removes what it wrote (the result says why). */
export async function exportModel(opts: ExportOptions): Promise<{ files: string[]; verification: ExportVerification }> {
  const formats = normaliseFormats(opts.formats)
  const model = await loadModel(opts.modelDir)
  try {
    prepareOutDir(opts.outDir)
    const written = await writeBundle({ ...opts, formats, model })
    const texts = opts.images ? [...written.checks.texts, ...opts.images.slice(0, maxCheckImages).map(pixelsText)] : checkTexts(written.checks.texts, opts.data)
    const expected = await referenceProbs(model, texts)
    let verification = await verifyExport({ outDir: opts.outDir, formats: formats.filter((f) => f !== 'zip'), reference: model, texts, expected })
    if (verification.ok) {
      written.files.push(...writeCardAndReport(opts, model.file, written.traced, formats, verification))
      if (formats.includes('zip')) {
        written.files.push(writeZip(opts.outDir, written.files))
        const zipCheck = await verifyExport({ outDir: opts.outDir, formats: ['zip'], reference: model, texts, expected })
        verification = { ...verification, ok: zipCheck.ok, formats: { ...verification.formats, ...zipCheck.formats } }
        verification.maxProbDiff = Math.max(...Object.values(verification.formats).map((f) => f.maxProbDiff))
        writeFileSync(join(opts.outDir, bundleFiles.verification), JSON.stringify(verification, null, 2))
      }
    }
    if (!verification.ok) {
      // An export that does not reproduce the app's predictions is worse than none: remove it.
      for (const f of written.files) rmSync(join(opts.outDir, f), { force: true })
      return { files: [], verification }
    }
    return { files: written.files, verification }
  } finally {
    model.dispose()
  }
}

/** Inputs the check runs on: the generated check inputs, then up to maxCheckRows validation texts. */
function checkTexts(probes: string[], data: JobData | null): string[] {
  const rows = data?.validation?.texts ?? []
  return [...probes, ...rows.slice(0, maxCheckRows)]
}

/** Deterministic inputs made from the vocabulary (no user text ships in the bundle): short, long, and cut. */
export function probeTexts(tok: Tokenizer, seqLen: number): string[] {
  let s = 12345
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0)
  const lengths = [1, 3, 6, Math.max(2, Math.floor(seqLen / 2)), seqLen + 4]
  const texts: string[] = []
  for (const n of lengths) {
    const ids = Array.from({ length: n }, () => NUM_SPECIAL + (next() % Math.max(1, tok.vocabSize - NUM_SPECIAL)))
    const text = tok.decode(ids).trim()
    texts.push(text || tok.vocab[NUM_SPECIAL] || 'a')
  }
  return texts
}

/** Check rows made from the prep alone (no user row ships): typical values, every cell missing, unseen and extreme values. */
export function probeRows(prep: TablePrep): string[] {
  const row = (num: (c: TablePrep['numeric'][number]) => string, cat: (c: TablePrep['categorical'][number]) => string) =>
    JSON.stringify(Object.fromEntries([...prep.numeric.map((c) => [c.name, num(c)]), ...prep.categorical.map((c) => [c.name, cat(c)])]))
  return [
    row((c) => String(c.median), (c) => c.values[0] ?? ''),
    row(() => '', () => ''),
    row((c) => String(c.median + 3 * c.scale), (c) => c.values[c.values.length - 1] ?? ''),
    row((c) => String(c.median - 1e6 * c.scale), () => 'a value never seen in training'),
  ]
}

/** Check images made from nothing but the model's size: flat greys, a gradient, halves, noise (as JSON lists of pixels). */
export function probeImages(im: ImageShape): string[] {
  const { size: S, channels: C } = im
  const make = (f: (r: number, c: number, ch: number, i: number) => number) => pixelsText(Array.from({ length: S * S * C }, (_, i) => Math.max(0, Math.min(255, Math.round(f(Math.floor(i / (S * C)), Math.floor(i / C) % S, i % C, i))))))
  let s = 12345
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % 256
  return [
    make(() => 128),
    make(() => 0),
    make(() => 255),
    make((r, c, ch) => ((r + c) * 255) / (2 * S - 2) + ch * 20),
    make((r) => (r < S / 2 ? 230 : 20)),
    make(() => next()),
  ]
}

interface Written {
  files: string[]
  checks: BundleChecks
  traced: TracedModel
}

/** Writes the model artefacts of the chosen formats (everything the check re-runs). */
export async function writeBundle(p: ExportOptions & { model: LoadedModel }): Promise<Written> {
  const { file, weights } = readModelFolder(p.modelDir)
  if (file.spec.head !== 'classify' || !file.labels.length) {
    throw new UserError('This is a pretrained language model, not a classifier: fine-tune it on labelled data first, then export the fine-tuned run.')
  }
  const seqLen = file.spec.dims.maxLen - 1
  const image = file.spec.dims.image
  const traced = file.table ? traceTableClassifier(file.spec, weights) : image ? traceImageClassifier(file.spec, weights) : traceClassifier(file.spec, weights, seqLen)
  const files: string[] = []
  const put = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(p.outDir, name), data)
    files.push(name)
  }
  const facts = p.card as CardFacts
  const kind = image ? 'image' : file.table ? 'table' : 'text'
  const title = facts.runName ?? (image ? 'Image classifier' : 'Text classifier')
  const appVersion = facts.appVersion ?? '0.0.0'
  const preprocessing: Preprocessing = {
    format: 'attention-workbench-preprocessing',
    version: 1,
    lowercase: file.tokenizer.lowercase,
    normalize: file.tokenizer.normalize,
    seqLen,
    addCls: true,
    clsId: CLS_ID,
    padId: PAD_ID,
    pooled: traced.pooled,
    inputs: { ids: image ? '' : graphNames.ids, mask: file.table || image ? '' : graphNames.mask },
    outputs: { probabilities: graphNames.probabilities, attention: Array.from({ length: traced.attentionLayers }, (_, l) => graphNames.attention(l)) },
    ...(file.table ? { table: { prep: file.table, values: file.table.numeric.length ? tableGraphNames.values : null } } : {}),
    ...(image ? { image: { ...image, input: imageGraphNames.pixels, resize: 'centre-crop-then-resize', range: [0, 255], layout: 'rows, columns, channels' } } : {}),
  }
  const probes = file.table ? probeRows(file.table) : image ? probeImages(image) : probeTexts(p.model.tokenizer, seqLen)
  const checks: BundleChecks = { texts: probes, probabilities: await referenceProbs(p.model, probes) }
  const meta: BundleMeta = {
    format: 'attention-workbench-bundle',
    version: 1,
    appVersion,
    createdAt: new Date().toISOString(),
    run: { id: facts.runId ?? null, name: facts.runName ?? null },
    task: file.task,
    config: file.config,
    spec: file.spec,
    labels: file.labels,
    training: file.training,
    weights: file.weights.map((w) => ({ name: w.name, shape: w.shape })),
  }
  // Shared by both formats: how to turn text into inputs, and the labels.
  put(bundleFiles.tokenizer, JSON.stringify(file.tokenizer))
  put(bundleFiles.labels, JSON.stringify(file.labels, null, 1))
  put(bundleFiles.preprocessing, JSON.stringify(preprocessing, null, 2))
  put(bundleFiles.meta, JSON.stringify(meta, null, 1))
  put(bundleFiles.checks, JSON.stringify(checks))

  if (p.formats.includes('tfjs')) {
    const { modelJson, weights: bin } = toTfjsGraphModel(traced.graph, `Attention Workbench ${appVersion}`, { labels: file.labels, seqLen })
    put(bundleFiles.model, JSON.stringify(modelJson))
    put(tfjsWeightsFile, bin)
    const scripts = await runtimeScripts()
    put(bundleFiles.predict, scripts.predictMjs)
    put('demo.js', scripts.demoJs)
    put('tf.min.js', readFileSync(tfjsBrowserBuild()))
    const modelData = { title, files: { model: modelJson, tokenizer: file.tokenizer, preprocessing, labels: file.labels }, weights: bin.toString('base64') }
    put('model-data.js', `// The model for index.html, as a script so the page works opened from disk.\nwindow.WORKBENCH_MODEL = ${JSON.stringify(modelData)};\n`)
    const d = file.spec.dims
    const info = modelInfo(d.arch)
    const factsLine = image
      ? `${info.name}: ${image.size} x ${image.size} ${image.channels === 1 ? 'grey' : 'colour'} images in ${image.patch} x ${image.patch} patches, ${d.nLayers} block(s), dModel ${d.dModel}, ${d.nHeads} heads.`
      : info.blocks ? `${info.name}: ${d.nLayers} block(s), dModel ${d.dModel}, ${d.nHeads} heads, up to ${seqLen} tokens.` : info.description
    put(bundleFiles.demo, demoHtml({ title, labels: file.labels, facts: factsLine, image: !!image }))
  }
  if (p.formats.includes('onnx')) {
    put(bundleFiles.onnx, toOnnx(traced.graph, { producerVersion: appVersion, docString: `${title}: ${kind} classifier; see MODEL_CARD.md and preprocessing.json.`, metadata: { labels: JSON.stringify(file.labels), seqLen: String(seqLen) } }))
  }
  return { files, checks, traced }
}

function writeCardAndReport(opts: ExportOptions, file: ModelFile, traced: TracedModel, formats: string[], verification: ExportVerification): string[] {
  const facts = opts.card as CardFacts
  const metrics = facts.metrics ?? file.training.metrics
  const files: string[] = []
  let image: string | null = null
  if (metrics?.confusion?.length) {
    writeFileSync(join(opts.outDir, confusionImage), confusionMatrixPng(metrics.confusion))
    files.push(confusionImage)
    image = confusionImage
  }
  const parameters = traced.graph.consts.size ? [...traced.graph.consts.values()].filter((c) => c.weight).reduce((n, c) => n + c.data.length, 0) : 0
  const splits = opts.data ? { train: opts.data.train.texts.length, validation: opts.data.validation.texts.length, test: opts.data.test?.texts.length ?? 0 } : undefined
  writeFileSync(join(opts.outDir, bundleFiles.card), modelCard({ file, facts: { splits, ...facts }, parameters, verification, formats, image, seqLen: traced.seqLen }))
  writeFileSync(join(opts.outDir, bundleFiles.verification), JSON.stringify(verification, null, 2))
  files.push(bundleFiles.card, bundleFiles.verification)
  return files
}

/** One .zip of the bundle's files, for handing the model to someone else. */
function writeZip(outDir: string, files: string[]): string {
  const entries: Record<string, Uint8Array> = {}
  for (const f of files) entries[f] = readFileSync(join(outDir, f))
  writeFileSync(join(outDir, bundleFiles.zip), zipSync(entries, { level: 6 }))
  return bundleFiles.zip
}
