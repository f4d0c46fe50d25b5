// Reads an exported bundle (a folder or its .zip) back and checks it thoroughly, so a damaged or
// foreign bundle is refused with a plain reason. No TensorFlow.js here: the main process uses this to
// rebuild the app's model folder from the bundle's bytes.
import { UserError } from '../../../shared/api'
import { modelInfo } from '../../../shared/models'
import type { NamedArray } from '../tensor-file'
import type { TokenizerJSON } from '../tokenizers'
import { bundleFiles, type BundleMeta } from './bundle-meta'
import type { BundleChecks, BundleFiles, Preprocessing } from './runtime/types'
import type { TfjsGraphModelJson } from './tfjs-graph'

/** A bundle that passed every check. */
export interface ParsedBundle {
  runtime: BundleFiles
  meta: BundleMeta
  checks: BundleChecks
  /** The model's weights in the app's naming, ready for a model folder. */
  weights: Map<string, NamedArray>
}

export { readBundleSource } from './bundle-source'

function json<T>(files: Map<string, Uint8Array>, name: string): T {
  const bytes = files.get(name)
  if (!bytes) throw new UserError(`The bundle is incomplete: ${name} is missing.`)
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T
  } catch {
    throw new UserError(`The bundle is damaged: ${name} is not valid JSON.`)
  }
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i])
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1)

/** Checks a bundle's files and extracts the model; throws UserError naming the first problem. */
export function parseBundle(files: Map<string, Uint8Array>): ParsedBundle {
  try {
    return parseChecked(files)
  } catch (err) {
    // Every byte here is untrusted: a file with the right name but the wrong shape (null where an
    // object belongs, a string where a list does) is a damaged bundle, not an internal error.
    if (err instanceof TypeError || err instanceof RangeError) throw new UserError(`The bundle is damaged: one of its files does not have the expected contents (${err.message}).`)
    throw err
  }
}

function parseChecked(files: Map<string, Uint8Array>): ParsedBundle {
  if (!files.has(bundleFiles.meta) || !files.has(bundleFiles.model)) {
    throw new UserError('This is not a model bundle exported by Attention Workbench (model.json and workbench.json are missing).')
  }
  const meta = json<BundleMeta>(files, bundleFiles.meta)
  if ((meta as { format?: string } | null)?.format === 'attention-workbench-baseline-bundle') {
    throw new UserError('This bundle holds a classic baseline (TF-IDF + logistic regression), which the app does not take back as a run; use its predict.mjs, index.html or model.onnx directly.')
  }
  if (meta?.format !== 'attention-workbench-bundle' || !meta.spec?.dims || !Array.isArray(meta.weights) || !Array.isArray(meta.labels)) {
    throw new UserError('This is not a model bundle exported by Attention Workbench (workbench.json is not one of ours).')
  }
  if (meta.version !== 1) throw new UserError(`The bundle has format version ${String(meta.version)}, which this version of the app cannot read.`)
  const model = json<TfjsGraphModelJson>(files, bundleFiles.model)
  if (model?.format !== 'graph-model' || !Array.isArray(model.weightsManifest) || !model.modelTopology?.node) {
    throw new UserError('The bundle is damaged: model.json is not a TensorFlow.js graph model.')
  }
  const tokenizer = json<TokenizerJSON>(files, bundleFiles.tokenizer)
  if (tokenizer?.format !== 'attention-workbench-tokenizer') throw new UserError('The bundle is damaged: tokenizer.json is not a tokenizer saved by Attention Workbench.')
  const labels = json<string[]>(files, bundleFiles.labels)
  if (!Array.isArray(labels) || labels.length < 2 || labels.join('\u0000') !== meta.labels.join('\u0000')) {
    throw new UserError('The bundle is damaged: labels.json does not match the model.')
  }
  const preprocessing = json<Preprocessing>(files, bundleFiles.preprocessing)
  if (preprocessing?.format !== 'attention-workbench-preprocessing' || !Number.isInteger(preprocessing.seqLen)) {
    throw new UserError('The bundle is damaged: preprocessing.json is missing its settings.')
  }
  const checks = json<BundleChecks>(files, bundleFiles.checks)
  if (!Array.isArray(checks?.texts) || !Array.isArray(checks.probabilities) || checks.texts.length !== checks.probabilities.length) {
    throw new UserError('The bundle is damaged: checks.json is incomplete.')
  }

  // The weights file(s): every byte the manifest promises must be there.
  const parts: Uint8Array[] = []
  for (const group of model.weightsManifest) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      const data = files.get(p)
      if (!data) throw new UserError(`The bundle is incomplete: the weights file ${p} is missing.`)
      parts.push(data)
    }
  }
  const all = Buffer.concat(parts)
  const specs = model.weightsManifest.flatMap((g) => g.weights)
  const expected = specs.reduce((n, s) => n + count(s.shape) * 4, 0)
  if (all.length !== expected) {
    throw new UserError(`The bundle is damaged: its weights file has ${all.length} bytes but model.json describes ${expected}${all.length < expected ? ' (the file is cut short)' : ''}.`)
  }
  const where = new Map<string, { offset: number; shape: number[]; dtype: string }>()
  let offset = 0
  for (const s of specs) {
    where.set(s.name, { offset, shape: s.shape, dtype: s.dtype })
    offset += count(s.shape) * 4
  }
  const weights = new Map<string, NamedArray>()
  for (const w of meta.weights) {
    const at = where.get(w.name)
    if (!at) throw new UserError(`The bundle is damaged: the weight ${w.name} is missing from model.json.`)
    if (at.dtype !== 'float32' || !sameShape(at.shape, w.shape)) {
      throw new UserError(`The bundle is damaged: the weight ${w.name} has shape [${at.shape.join(', ')}] in model.json but the model needs [${w.shape.join(', ')}].`)
    }
    const data = new Float32Array(count(w.shape))
    Buffer.from(data.buffer).set(all.subarray(at.offset, at.offset + data.byteLength))
    if (!data.every(Number.isFinite)) throw new UserError(`The bundle is damaged: the weight ${w.name} holds values that are not numbers.`)
    weights.set(w.name, { shape: w.shape, data })
  }
  checkSpecShapes(meta, weights)
  const runtime: BundleFiles = { model, weights: new Uint8Array(all), tokenizer, preprocessing, labels }
  return { runtime, meta, checks, weights }
}

/** The sizes every model has, whatever its architecture: embedding, head, layer count. */
function checkSpecShapes(meta: BundleMeta, weights: Map<string, NamedArray>): void {
  const { dims, nClasses } = meta.spec
  const need: [string, number[]][] = [
    // A table or image model has no token table: [CLS] is its one fixed embedding row.
    dims.table || dims.image ? ['embed/cls', [1, dims.dModel]] : ['embed/tok', [dims.vocabSize, dims.dModel]],
    ['head/w', [dims.dModel, nClasses]],
    ['head/b', [nClasses]],
  ]
  for (let i = 0; i < (modelInfo(dims.arch).blocks ? dims.nLayers : 0); i++) need.push([`block_${i}/ffn/w1`, [dims.dModel, dims.ffnDim]])
  for (const [name, shape] of need) {
    const w = weights.get(name)
    if (!w) throw new UserError(`The bundle is damaged: the weight ${name} is missing.`)
    if (!sameShape(w.shape, shape)) throw new UserError(`The bundle is damaged: the weight ${name} has shape [${w.shape.join(', ')}] but the model's settings need [${shape.join(', ')}].`)
  }
  if (nClasses !== meta.labels.length) throw new UserError(`The bundle is damaged: the model has ${nClasses} outputs for ${meta.labels.length} labels.`)
}
