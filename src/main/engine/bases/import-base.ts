// Importing a checkpoint folder as a base: every check first (format, family, tensors, tokenizer,
// memory), so a refusal writes nothing; then the weights are converted one at a time into the base's
// own folder (float32 safetensors under the engine's weight names), with progress.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { tokenizerFromFiles, TokenizerError, type PretrainedTokenizerJSON } from '../tokenizers'
import { syncFolder, writeFileAtomic } from '../tensor-file'
import { archParams, describeArch, type BaseArch } from './arch'
import { openCheckpointFolder, type CheckpointFolder } from './checkpoint-folder'
import { readCardInfo, type CardInfo } from './model-card'
import { CheckpointError, readSafetensorsHeader, TensorReader } from './safetensors'
import { combine, mapWeights, type WeightSource } from './weight-map'

/** base.json: what a base folder holds. */
export interface BaseFile {
  format: 'attention-workbench-base'
  version: 1
  arch: BaseArch
  params: number
  card: CardInfo
  weightsFile: 'weights.safetensors'
}

/** Everything checked and planned before a byte is written. */
export interface ImportPlan {
  folder: CheckpointFolder
  arch: BaseArch
  tokenizer: PretrainedTokenizerJSON
  weights: WeightSource[]
  params: number
  card: CardInfo
}

/** Fine-tuning keeps weights, gradients and two optimiser moments: about four float32 copies. */
const TRAINING_COPIES = 4
const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`

/** Checks a folder and plans its import; throws a plain-language error for anything it must refuse. */
export function planImport(dir: string, opts: { memoryBytes?: number } = {}): ImportPlan {
  const folder = openCheckpointFolder(dir)
  const arch = describeArch(folder.config)
  // Memory first: a refusal here needs no look at the tensors.
  const memory = opts.memoryBytes ?? totalmem()
  const needed = archParams(arch)
  if (needed * 4 * TRAINING_COPIES > memory) {
    throw new CheckpointError(
      `This model is too large for this machine: ${(needed / 1e6).toFixed(1)} million parameters are ${gb(needed * 4)} as float32, fine-tuning needs about ${gb(needed * 4 * TRAINING_COPIES)}, and this machine has ${gb(memory)} of memory.`,
    )
  }
  const weights = mapWeights(arch, folder.tensors)
  const tokenizer = tokenizerFromFiles(folder.tokenizer)
  const maxId = Math.max(tokenizer.vocab.length - 1, ...tokenizer.addedTokens.map((t) => t.id), ...tokenizer.template.before, ...tokenizer.template.after)
  if (maxId >= arch.vocabSize) {
    throw new TokenizerError(
      `The tokenizer does not fit the model: it uses token ids up to ${maxId}, but the model's vocabulary has only ${arch.vocabSize} rows (config.json vocab_size).`,
    )
  }
  const params = archParams(arch) // with the pooler, now that the tensors said whether there is one
  return { folder, arch, tokenizer, weights, params, card: readCardInfo(folder.readme, folder.config) }
}

/** Writes the planned base into outDir (created; removed again if anything fails). */
export async function writeBase(plan: ImportPlan, outDir: string, onProgress?: (done: number, total: number) => void): Promise<BaseFile> {
  if (existsSync(outDir)) throw new Error(`${outDir} already exists`)
  const tmp = `${outDir}.partial`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const reader = new TensorReader()
  try {
    // Header first (every size is known), then each weight as it is converted: one weight in memory at a time.
    const header: Record<string, unknown> = { __metadata__: { format: 'attention-workbench' } }
    let offset = 0
    for (const w of plan.weights) {
      const bytes = w.shape.reduce((a, b) => a * b, 1) * 4
      header[w.name] = { dtype: 'F32', shape: w.shape, data_offsets: [offset, offset + bytes] }
      offset += bytes
    }
    let h = Buffer.from(JSON.stringify(header))
    h = Buffer.concat([h, Buffer.alloc((8 - (h.length % 8)) % 8, 0x20)])
    const fd = openSync(join(tmp, 'weights.safetensors'), 'w')
    try {
      const len = Buffer.alloc(8)
      len.writeBigUInt64LE(BigInt(h.length))
      writeSync(fd, len)
      writeSync(fd, h)
      for (let i = 0; i < plan.weights.length; i++) {
        const w = plan.weights[i]
        const data = combine(w, w.sources.map((s) => reader.read(plan.folder.tensors.get(s)!)))
        writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        onProgress?.(i + 1, plan.weights.length)
        if (i % 8 === 7) await new Promise((r) => setImmediate(r))
      }
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    const file: BaseFile = { format: 'attention-workbench-base', version: 1, arch: plan.arch, params: plan.params, card: plan.card, weightsFile: 'weights.safetensors' }
    writeFileAtomic(join(tmp, 'tokenizer.json'), JSON.stringify(plan.tokenizer))
    writeFileAtomic(join(tmp, 'base.json'), JSON.stringify(file, null, 1))
    renameSync(tmp, outDir)
    syncFolder(dirname(outDir))
    return file
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err
  } finally {
    reader.close()
  }
}

/** A base folder read back: its description, tokenizer and float32 weights by engine name. */
export function readBaseFolder(dir: string): { file: BaseFile; tokenizer: PretrainedTokenizerJSON; weights: Map<string, { shape: number[]; data: Float32Array }> } {
  const file = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as BaseFile
  if (file.format !== 'attention-workbench-base' || file.version !== 1) throw new CheckpointError('This folder does not hold a base saved by this app.')
  const tokenizer = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as PretrainedTokenizerJSON
  const reader = new TensorReader()
  const weights = new Map<string, { shape: number[]; data: Float32Array }>()
  try {
    for (const e of readSafetensorsHeader(join(dir, file.weightsFile)).entries) weights.set(e.name, { shape: e.shape, data: reader.read(e) })
  } finally {
    reader.close()
  }
  return { file, tokenizer, weights }
}
