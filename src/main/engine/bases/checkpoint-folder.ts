// Opens a checkpoint folder in the Hugging Face layout: config.json, model.safetensors or shards named
// by model.safetensors.index.json, and the tokenizer files. Only headers are read here; weights are read
// later, one tensor at a time. Pickle checkpoints are refused without being opened.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { TokenizerFiles } from '../tokenizers'
import { CheckpointError, readSafetensorsHeader, type TensorEntry } from './safetensors'

/** What a checkpoint folder holds, before any weight is read. */
export interface CheckpointFolder {
  dir: string
  config: Record<string, unknown>
  tensors: Map<string, TensorEntry>
  tokenizer: TokenizerFiles
  /** README.md (the model card), if any. */
  readme: string | null
  /** Bytes of weights on disk, over all shards. */
  weightBytes: number
}

const PICKLE = /\.(bin|pt|pth|ckpt|pkl|pickle)$/i

function readJson(path: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    throw new CheckpointError(`${what} is not valid JSON.`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CheckpointError(`${what} is not a JSON object.`)
  return value as Record<string, unknown>
}

function weightFiles(dir: string): string[] {
  const index = join(dir, 'model.safetensors.index.json')
  if (existsSync(index)) {
    const map = readJson(index, 'model.safetensors.index.json').weight_map
    if (!map || typeof map !== 'object') throw new CheckpointError('model.safetensors.index.json has no weight_map.')
    const files = [...new Set(Object.values(map as Record<string, string>))]
    for (const f of files) {
      if (typeof f !== 'string' || f.includes('/') || f.includes('\\') || !f.endsWith('.safetensors')) throw new CheckpointError(`model.safetensors.index.json names an unexpected file "${String(f)}".`)
      if (!existsSync(join(dir, f))) throw new CheckpointError(`The shard ${f} named in model.safetensors.index.json is missing from the folder.`)
    }
    return files
  }
  if (existsSync(join(dir, 'model.safetensors'))) return ['model.safetensors']
  const pickles = readdirSync(dir).filter((f) => PICKLE.test(f))
  if (pickles.length) {
    throw new CheckpointError(
      `This folder has only a PyTorch pickle checkpoint (${pickles[0]}). Pickle files can run code when they are opened, so the app never opens them: convert the model to model.safetensors first.`,
    )
  }
  throw new CheckpointError('The folder has no model.safetensors (or model.safetensors.index.json with its shards).')
}

/** Reads a folder's config, tokenizer files and tensor headers; refuses what it cannot import. */
export function openCheckpointFolder(dir: string): CheckpointFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CheckpointError(`${dir} is not a folder.`)
  if (!existsSync(join(dir, 'config.json'))) throw new CheckpointError('The folder has no config.json, so the model it holds cannot be known.')
  const config = readJson(join(dir, 'config.json'), 'config.json')
  const tensors = new Map<string, TensorEntry>()
  let weightBytes = 0
  for (const f of weightFiles(dir)) {
    const path = join(dir, f)
    weightBytes += statSync(path).size
    for (const e of readSafetensorsHeader(path).entries) {
      if (tensors.has(e.name)) throw new CheckpointError(`Tensor ${e.name} appears in two shards.`)
      tensors.set(e.name, e)
    }
  }
  const tokenizer: TokenizerFiles = { modelType: typeof config.model_type === 'string' ? config.model_type : undefined }
  const opt = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : null)
  const tj = opt('tokenizer.json')
  if (tj) tokenizer.tokenizerJson = readJson(tj, 'tokenizer.json')
  const tc = opt('tokenizer_config.json')
  if (tc) tokenizer.tokenizerConfig = readJson(tc, 'tokenizer_config.json')
  const vt = opt('vocab.txt')
  if (vt) tokenizer.vocabTxt = readFileSync(vt, 'utf8')
  const vj = opt('vocab.json')
  if (vj) tokenizer.vocabJson = readJson(vj, 'vocab.json') as Record<string, number>
  const mt = opt('merges.txt')
  if (mt) tokenizer.mergesTxt = readFileSync(mt, 'utf8')
  const rd = opt('README.md')
  return { dir, config, tensors, tokenizer, readme: rd ? readFileSync(rd, 'utf8') : null, weightBytes }
}
