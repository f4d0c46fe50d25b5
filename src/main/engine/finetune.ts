// Fine-tuning from an earlier model or a base: reuse its tokenizer and body, give it a new head when the
// labels differ (or when it was pretrained as a language model), and choose what trains: everything
// (the body more gently), LoRA adapters plus the head, or only the head on frozen features.
import { finetuneMode, type FinetuneConfig, type RunConfig } from '../../shared/config'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../shared/api'
import { baseDims } from './bases/base-model'
import { readBaseFolder } from './bases/import-base'
import { modelInfo } from '../../shared/models'
import { readModelFolder } from './model-folder'
import { isLoraWeight } from './models/lora'
import type { ModelSpec } from './models/types'
import { pretrainObjective } from './pretrain-objective'
import type { NamedArray } from './tensor-file'
import type { TokenizerJSON } from './tokenizers'

/** A pretrained model as a fine-tune reads it: its shape, its tokenizer, its labels (if a classifier) and its weights. */
export interface FinetuneSource {
  spec: ModelSpec
  tokenizer: TokenizerJSON
  labels: string[]
  weights: Map<string, NamedArray>
  /** An imported checkpoint (its tokenizer has its own special tokens). */
  imported?: boolean
}

/** What a fine-tuning run starts from. */
export interface FinetuneStart {
  spec: ModelSpec
  tokenizer: TokenizerJSON
  /** Weights to copy into the new model (the new head and adapters are left out). */
  weights: Map<string, NamedArray>
  /** True when the head was kept (same labels in the same order). */
  keptHead: boolean
}

/** Reads a saved model folder (a run's `model/`) or an imported base's folder (`bases/<id>/`) as a fine-tuning source. */
export function readFinetuneSource(dir: string): FinetuneSource {
  if (existsSync(join(dir, 'base.json'))) {
    let base
    try {
      base = readBaseFolder(dir)
    } catch (err) {
      throw new UserError(`The base in ${dir} cannot be read: ${(err as Error).message}`)
    }
    // An imported checkpoint is a body without a head: every fine-tune gives it a new one.
    return { spec: { dims: baseDims(base.file.arch), head: 'classify', nClasses: 0, lora: null }, tokenizer: base.tokenizer, labels: [], weights: base.weights, imported: true }
  }
  const { file, weights } = readModelFolder(dir)
  return { spec: file.spec, tokenizer: file.tokenizer, labels: file.labels, weights }
}

/** Reads the source model folder and derives the new model's spec. */
export function startFromModel(dir: string, config: RunConfig, labels: string[], log: (m: string) => void): FinetuneStart {
  return startFrom(readFinetuneSource(dir), config, labels, log)
}

/** Derives the new model's spec and starting weights from a source model. */
export function startFrom(src: FinetuneSource, config: RunConfig, labels: string[], log: (m: string) => void): FinetuneStart {
  const dims = src.spec.dims
  let head: ModelSpec['head'] = 'classify'
  if (config.task === 'pretrain') {
    const info = modelInfo(dims.arch)
    if (!info.capabilities.pretrain) throw new UserError(`The ${info.name.toLowerCase()} cannot continue language-model pretraining.`)
    // Masking and next-token targets use the app's own special tokens; an imported tokenizer has others.
    if (src.imported) throw new UserError('Continuing pretraining works on bases pretrained in this app; an imported base can be fine-tuned as a classifier.')
    head = pretrainObjective(dims)
  }
  if (config.model.arch !== dims.arch) log(`The base model is a ${dims.arch}; its architecture is kept (the run asked for ${config.model.arch}).`)
  const sameLabels = head === 'classify' && src.spec.head === 'classify' && src.labels.length === labels.length && src.labels.every((l, i) => l === labels[i])
  const mode = finetuneMode(config.finetune)
  const lora = mode === 'lora' && modelInfo(dims.arch).capabilities.lora ? { rank: config.finetune.lora.rank, alpha: config.finetune.lora.alpha, ffn: config.finetune.lora.ffn } : null
  const spec: ModelSpec = {
    // The body's shape comes from the base model; regularisation and pooling from this run.
    dims: { ...dims, dropout: config.model.dropout, attnDropout: config.model.attnDropout, pooling: config.model.pooling },
    head,
    nClasses: head === 'classify' ? labels.length : 0,
    lora,
  }
  const keep = new Map<string, NamedArray>()
  for (const [name, w] of src.weights) {
    // A head survives only into a model with the same head: same labels, or more of the same pretraining.
    if (name.startsWith('head/') && !sameLabels) continue
    if ((name.startsWith('lm_head/') || name.startsWith('mlm/')) && head === 'classify') continue
    keep.set(name, w)
  }
  log(
    sameLabels
      ? "Fine-tuning with the base model's classifier head (same labels)."
      : head === 'classify'
        ? `Fine-tuning (${mode}) with a new classifier head for ${labels.length} labels.`
        : 'Continuing language-model pretraining.',
  )
  return { spec, tokenizer: src.tokenizer, weights: keep, keptHead: sameLabels }
}

/** True for weights of an output head (classifier or language model). */
export function isHeadWeight(name: string): boolean {
  return name.startsWith('head/') || name.startsWith('lm_head/') || name.startsWith('mlm/')
}

/** Which weights train and at what learning-rate multiplier. */
export function selectTrainable(names: string[], ft: FinetuneConfig, finetuning: boolean): { trainable: string[]; lrScale: Record<string, number> } {
  if (!finetuning) return { trainable: names, lrScale: {} }
  const mode = finetuneMode(ft)
  const blockIndex = (n: string) => {
    const m = /^block_(\d+)\//.exec(n)
    return m ? Number(m[1]) : -1
  }
  const trainable = names.filter((n) => {
    if (isHeadWeight(n)) return true
    if (mode === 'frozen') return false
    if (mode === 'lora') return isLoraWeight(n)
    if (ft.freezeEmbeddings && n.startsWith('embed/')) return false
    const b = blockIndex(n)
    if (b >= 0 && b < ft.freezeLayers) return false
    return true
  })
  const lrScale: Record<string, number> = {}
  // New weights (head, adapters) learn at the full rate; the pretrained body more gently.
  for (const n of trainable) lrScale[n] = isHeadWeight(n) || isLoraWeight(n) ? 1 : ft.bodyLrScale
  return { trainable, lrScale }
}
