// The saved-model format: `model.json` (config, labels, tokenizer, model spec, weight manifest)
// beside `weights.bin` (all weights as little-endian float32, concatenated in manifest order).
// Written directly with fs (no tfjs IO handlers), each file atomically; LoRA adapters are merged
// into the weights they adapt, so a saved model is always a plain model.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunConfig } from '../../shared/config'
import type { RunMetrics } from '../../shared/domain'
import { UserError } from '../../shared/api'
import { isLoraWeight } from './models/lora'
import type { ModelSpec } from './models/types'
import { packArrays, unpackArrays, writeFileAtomic, type ArrayEntry, type NamedArray } from './tensor-file'
import type { TokenizerJSON } from './tokenizers'
import type { TablePrep } from '../../shared/table-prep'

/** Contents of model.json. */
export interface ModelFile {
  format: 'attention-workbench-model'
  version: 1
  task: RunConfig['task']
  config: RunConfig
  spec: ModelSpec
  /** Class names in output order ([] for a pretrained language model). */
  labels: string[]
  tokenizer: TokenizerJSON
  /** Table models: the prep fitted on the training rows (scaling, category lists, labels). */
  table?: TablePrep
  weightsFile: 'weights.bin'
  weights: ArrayEntry[]
  training: { bestEpoch: number; stoppedEarly: boolean; metrics: RunMetrics | null; createdAt: string }
}

/** Writes a model folder; adapters in `weights` are merged first. */
export function saveModelFolder(dir: string, m: Omit<ModelFile, 'format' | 'version' | 'weightsFile' | 'weights'>, weights: Map<string, NamedArray>): void {
  mkdirSync(dir, { recursive: true })
  const merged = mergeLora(weights, m.spec)
  const { manifest, buffer } = packArrays(merged)
  const file: ModelFile = { format: 'attention-workbench-model', version: 1, ...m, spec: { ...m.spec, lora: null }, weightsFile: 'weights.bin', weights: manifest }
  // weights first: a model.json on disk always describes a complete weights file.
  writeFileAtomic(join(dir, 'weights.bin'), buffer)
  writeFileAtomic(join(dir, 'model.json'), JSON.stringify(file, null, 1))
}

/** Reads a model folder, refusing anything incomplete with a plain-language reason. */
export function readModelFolder(dir: string): { file: ModelFile; weights: Map<string, NamedArray> } {
  const jsonPath = join(dir, 'model.json')
  if (!existsSync(jsonPath)) throw new UserError(`No saved model was found in ${dir} (model.json is missing).`, 'not_found')
  let file: ModelFile
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelFile
  } catch {
    throw new UserError(`The saved model in ${dir} is damaged: model.json is not valid JSON.`)
  }
  if (file.format !== 'attention-workbench-model' || !Array.isArray(file.weights) || !file.spec?.dims) {
    throw new UserError(`The folder ${dir} does not hold a model saved by Attention Workbench.`)
  }
  if (file.version !== 1) throw new UserError(`The saved model has format version ${String(file.version)}, which this version cannot read.`)
  const binPath = join(dir, file.weightsFile)
  if (!existsSync(binPath)) throw new UserError(`The saved model in ${dir} is incomplete: ${file.weightsFile} is missing.`)
  try {
    return { file, weights: unpackArrays(file.weights, readFileSync(binPath)) }
  } catch (err) {
    throw new UserError(`The saved model in ${dir} is damaged: ${(err as Error).message}.`)
  }
}

/** Folds every LoRA pair into its base matrix: W + (alpha / r) A B; drops the adapters. */
export function mergeLora(weights: Map<string, NamedArray>, spec: ModelSpec): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>()
  for (const [name, w] of weights) if (!isLoraWeight(name)) out.set(name, { shape: w.shape, data: new Float32Array(w.data) })
  if (!spec.lora) return out
  const scale = spec.lora.alpha / spec.lora.rank
  for (const [name, a] of weights) {
    if (!name.endsWith('_lora_a')) continue
    const base = name.slice(0, -'_lora_a'.length)
    const b = weights.get(`${base}_lora_b`)
    const w = out.get(base)
    if (!b || !w) continue
    const [din, r] = a.shape
    const dout = b.shape[1]
    for (let i = 0; i < din; i++) {
      for (let k = 0; k < r; k++) {
        const aik = a.data[i * r + k] * scale
        if (aik === 0) continue
        for (let j = 0; j < dout; j++) w.data[i * dout + j] += aik * b.data[k * dout + j]
      }
    }
  }
  return out
}
