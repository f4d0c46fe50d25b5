// The export check: the exported artefacts are read back from disk and run on the same inputs as
// the app's own model; every label must agree and every probability be within 1e-4. The tfjs bundle
// goes through the bundle's runtime and tf.loadGraphModel (as predict.mjs and the demo page do), the
// ONNX file through onnxruntime-node, the .zip through the importer's reader.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { loadGraphModel } from '@tensorflow/tfjs-converter'
import type { ExportResult } from '../../../shared/api'
import { predictTexts, type LoadedModel } from '../predict'
import { encodeBatch, tokenizerFromJSON } from '../tokenizers'
import { bundleFiles } from './bundle-meta'
import { parseBundle, readBundleSource } from './read-bundle'
import { loadClassifier, type TfLike } from './runtime/classifier'
import type { BundleFiles } from './runtime/types'
import { parseTableRow } from '../../../shared/table-rows'
import { tableGraphInputs } from '../../../shared/table-inputs'
import { predictImages } from '../predict-image'
import { parsePixels } from './runtime/image-input'

/** The recorded outcome of an export check. */
export type ExportVerification = ExportResult['verification']
type FormatCheck = ExportVerification['formats'][string]

/** Largest allowed probability difference between an exported format and the app. */
export const probTolerance = 1e-4

/** TensorFlow.js as the bundle runtime wants it, from this process's tfjs-core and the graph-model loader. */
export const tfForRuntime: TfLike = {
  tensor: (values, shape, dtype) => tf.tensor(values, shape, dtype),
  loadGraphModel: (handler) => loadGraphModel(handler as tf.io.IOHandler) as unknown as ReturnType<TfLike['loadGraphModel']>,
  io: { fromMemory: (a) => tf.io.fromMemory(a as tf.io.ModelArtifacts) },
}

/** Compares probabilities row by row: label agreement and the largest absolute difference. */
export function compareProbs(reference: number[][], got: number[][], format: string): FormatCheck {
  let maxProbDiff = 0
  let labelMismatches = 0
  const argmax = (p: number[]) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0)
  for (let i = 0; i < reference.length; i++) {
    const g = got[i]
    if (!g || g.length !== reference[i].length) return { ok: false, maxProbDiff: Infinity, labelMismatches: reference.length, message: `${format}: row ${i + 1} has no or a wrongly sized output` }
    if (argmax(g) !== argmax(reference[i])) labelMismatches++
    for (let c = 0; c < g.length; c++) {
      const d = Math.abs(g[c] - reference[i][c])
      maxProbDiff = Math.max(maxProbDiff, Number.isNaN(d) ? Infinity : d)
    }
  }
  const ok = labelMismatches === 0 && maxProbDiff <= probTolerance
  const message = ok
    ? undefined
    : `${format}: ${labelMismatches} of ${reference.length} rows got a different label; largest probability difference ${maxProbDiff.toExponential(2)} (allowed ${probTolerance})`
  return { ok, maxProbDiff, labelMismatches, ...(message ? { message } : {}) }
}

/** An image model's inputs (JSON lists of pixels, see runtime/image-input.ts) as the app's pixels. */
function imagePixelsOf(m: LoadedModel, texts: string[]): Uint8Array[] {
  const im = m.model.spec.dims.image!
  return texts.map((t, i) => Uint8Array.from(parsePixels(t, { ...im, input: '' }, `Check image ${i + 1}`)))
}

/** The app's probabilities (label order) for texts (for an image model: JSON lists of pixels). */
export async function referenceProbs(m: LoadedModel, texts: string[]): Promise<number[][]> {
  const preds = m.model.spec.dims.image ? predictImages(m, imagePixelsOf(m, texts), { attention: false }) : await predictTexts(m, texts, { attention: false })
  return preds.map((p) => m.labels.map((l) => p.probabilities[l]!))
}

/** Runs the bundle runtime over files and compares; the first `attentionRows` also compare the rollout. */
async function checkRuntime(files: BundleFiles, texts: string[], reference: number[][], m: LoadedModel, format: string, attentionRows: number): Promise<FormatCheck> {
  const classifier = await loadClassifier(tfForRuntime, files)
  try {
    const got = await classifier.classify(texts)
    const result = compareProbs(reference, got.map((p) => p.probs), format)
    if (!result.ok || attentionRows <= 0) return result
    // The demo page highlights tokens by rollout: it must match the app's attention view too.
    const some = texts.slice(0, attentionRows)
    if (files.preprocessing.image) {
      // Images: the rollout over the patches the demo page draws must be the app's explorer's.
      const [mine, app] = [await classifier.classify(some, { attention: true }), predictImages(m, imagePixelsOf(m, some), { attention: true })]
      let d = 0
      mine.forEach((p, i) => {
        const ref = app[i]!.attention!.rollout
        d = p.rollout?.length === ref.length ? p.rollout.reduce((x, v, j) => Math.max(x, Math.abs(v - ref[j]!)), d) : Infinity
      })
      return d <= probTolerance ? result : { ...result, ok: false, message: `${format}: the attention over the patches differs from the app's (by ${d.toExponential(2)})` }
    }
    const [mine, app] = await Promise.all([classifier.classify(some, { attention: true }), predictTexts(m, some, { attention: true })])
    if (files.preprocessing.table) {
      // Tables: the columns' attention the demo page draws must be the app's explorer's.
      let d = 0
      mine.forEach((p, i) => p.rollout?.forEach((v, j) => (d = Math.max(d, Math.abs(v - (app[i]!.columns?.attention[j] ?? NaN)) || 0))))
      const same = mine.every((p, i) => (p.tokens ?? []).join('\u0000') === (app[i]!.columns?.names ?? []).join('\u0000'))
      return same && d <= probTolerance ? result : { ...result, ok: false, message: `${format}: the columns' attention differs from the app's (${same ? `by ${d.toExponential(2)}` : 'different columns'})` }
    }
    let diff = 0
    mine.forEach((p, i) => p.rollout?.forEach((v, t) => (diff = Math.max(diff, Math.abs(v - (app[i].attention?.rollout[t] ?? NaN)) || 0))))
    const tokensAgree = mine.every((p, i) => (p.tokens ?? []).join('\u0000') === (app[i].attention?.tokens ?? []).join('\u0000'))
    if (!tokensAgree || !(diff <= probTolerance)) {
      return { ...result, ok: false, message: `${format}: the attention highlighting differs from the app's (${tokensAgree ? `rollout differs by ${diff.toExponential(2)}` : 'different tokens'})` }
    }
    return result
  } finally {
    classifier.dispose()
  }
}

async function checkOnnx(path: string, files: BundleFiles, texts: string[], reference: number[][]): Promise<FormatCheck> {
  let ort: typeof import('onnxruntime-node')
  try {
    ort = await import('onnxruntime-node')
  } catch (err) {
    return { ok: false, maxProbDiff: Infinity, labelMismatches: 0, message: `onnx: onnxruntime-node could not be loaded to check the file (${(err as Error).message})` }
  }
  const session = await ort.InferenceSession.create(readFileSync(path))
  try {
    const tok = tokenizerFromJSON(files.tokenizer)
    const got: number[][] = []
    const C = files.labels.length
    const table = files.preprocessing.table
    for (let s = 0; table && s < texts.length; s += 32) {
      const x = tableGraphInputs(table.prep, texts.slice(s, s + 32).map((t) => parseTableRow(t) ?? {}))
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { ids: new ort.Tensor('int64', BigInt64Array.from(x.ids, (v) => BigInt(v)), [x.B, 1 + x.F]) }
      if (table.values) feeds[table.values] = new ort.Tensor('float32', x.values, [x.B, x.Fn])
      const out = await session.run(feeds, ['probabilities'])
      const data = out.probabilities!.data as Float32Array
      for (let b = 0; b < x.B; b++) got.push(Array.from(data.subarray(b * C, (b + 1) * C)))
    }
    const image = files.preprocessing.image
    for (let s = 0; image && s < texts.length; s += 32) {
      const some = texts.slice(s, s + 32)
      const n = image.size * image.size * image.channels
      const px = new Float32Array(some.length * n)
      some.forEach((t, i) => px.set(parsePixels(t, image), i * n))
      const out = await session.run({ [image.input]: new ort.Tensor('float32', px, [some.length, n]) }, ['probabilities'])
      const data = out.probabilities!.data as Float32Array
      for (let b = 0; b < some.length; b++) got.push(Array.from(data.subarray(b * C, (b + 1) * C)))
    }
    for (let s = 0; !table && !image && s < texts.length; s += 32) {
      const enc = encodeBatch(tok, texts.slice(s, s + 32), { seqLen: files.preprocessing.seqLen, addCls: true, padTo: 'longest' })
      const out = await session.run({
        ids: new ort.Tensor('int64', BigInt64Array.from(enc.ids, (v) => BigInt(v)), [enc.B, enc.T]),
        mask: new ort.Tensor('float32', enc.mask, [enc.B, enc.T]),
      }, ['probabilities'])
      const data = out.probabilities.data as Float32Array
      for (let b = 0; b < enc.B; b++) got.push(Array.from(data.subarray(b * C, (b + 1) * C)))
    }
    return compareProbs(reference, got, 'onnx')
  } finally {
    await session.release()
  }
}

/** Checks the listed formats written in outDir ('tfjs', 'onnx', 'zip') against the app's model on `texts`. */
export async function verifyExport(p: { outDir: string; formats: string[]; reference: LoadedModel; texts: string[]; expected?: number[][] }): Promise<ExportVerification> {
  const reference = p.expected ?? (await referenceProbs(p.reference, p.texts))
  const formats: ExportVerification['formats'] = {}
  const guard = async (name: string, run: () => Promise<FormatCheck>) => {
    try {
      formats[name] = await run()
    } catch (err) {
      formats[name] = { ok: false, maxProbDiff: Infinity, labelMismatches: 0, message: `${name}: ${(err as Error).message}` }
    }
  }
  const wantsBundle = p.formats.includes('tfjs')
  if (wantsBundle) await guard('tfjs', async () => checkRuntime(parseBundle(await readBundleSource(p.outDir)).runtime, p.texts, reference, p.reference, 'tfjs', 3))
  if (p.formats.includes('onnx')) {
    await guard('onnx', async () => {
      const files = wantsBundle ? parseBundle(await readBundleSource(p.outDir)).runtime : onnxSideFiles(p.outDir)
      return checkOnnx(join(p.outDir, bundleFiles.onnx), files, p.texts, reference)
    })
  }
  if (p.formats.includes('zip')) {
    await guard('zip', async () => checkRuntime(parseBundle(await readBundleSource(join(p.outDir, bundleFiles.zip))).runtime, p.texts, reference, p.reference, 'zip', 0))
  }
  return summarise(formats, p.texts.length)
}

/** Overall verdict from the per-format checks. */
export function summarise(formats: ExportVerification['formats'], rows: number): ExportVerification {
  const all = Object.values(formats)
  return {
    ok: all.length > 0 && all.every((f) => f.ok),
    rows,
    maxProbDiff: all.reduce((m, f) => Math.max(m, f.maxProbDiff), 0),
    labelMismatches: all.reduce((n, f) => n + f.labelMismatches, 0),
    formats,
  }
}

/** For an ONNX-only export: the tokenizer and settings written beside model.onnx. */
function onnxSideFiles(dir: string): BundleFiles {
  const read = <T>(n: string) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as T
  return {
    model: null as unknown as BundleFiles['model'],
    weights: new Uint8Array(0),
    tokenizer: read(bundleFiles.tokenizer),
    preprocessing: read(bundleFiles.preprocessing),
    labels: read(bundleFiles.labels),
  }
}
