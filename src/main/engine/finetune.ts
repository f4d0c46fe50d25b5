// Fine-tuning from an earlier model: reuse its tokenizer and body, give it a new head when the labels
// differ (or when it was a pretrained language model), and choose what trains: everything, everything
// but frozen embeddings / lower blocks, or only LoRA adapters plus the head.
import type { FinetuneConfig, RunConfig } from '../../shared/config'
import { UserError } from '../../shared/api'
import { readModelFolder } from './model-folder'
import { isLoraWeight } from './models/lora'
import type { ModelSpec } from './models/types'
import type { NamedArray } from './tensor-file'
import type { TokenizerJSON } from './tokenizers'

/** What a fine-tuning run starts from. */
export interface FinetuneStart {
  spec: ModelSpec
  tokenizer: TokenizerJSON
  /** Weights to copy into the new model (the new head and adapters are left out). */
  weights: Map<string, NamedArray>
  /** True when the head was kept (same labels in the same order). */
  keptHead: boolean
}

/** Reads the source model folder and derives the new model's spec. */
export function startFromModel(dir: string, config: RunConfig, labels: string[], log: (m: string) => void): FinetuneStart {
  const { file, weights } = readModelFolder(dir)
  const src = file.spec
  if (config.task === 'pretrain') {
    if (src.dims.arch !== 'decoder') throw new UserError('Only a decoder model can continue language-model pretraining.')
  }
  if (config.model.arch !== src.dims.arch) log(`The base model is a ${src.dims.arch}; its architecture is kept (the run asked for ${config.model.arch}).`)
  const head = config.task === 'pretrain' ? 'lm' : 'classify'
  const sameLabels = head === 'classify' && src.head === 'classify' && file.labels.length === labels.length && file.labels.every((l, i) => l === labels[i])
  const spec: ModelSpec = {
    // The body's shape comes from the base model; regularisation and pooling from this run.
    dims: { ...src.dims, dropout: config.model.dropout, attnDropout: config.model.attnDropout, pooling: config.model.pooling },
    head,
    nClasses: head === 'lm' ? 0 : labels.length,
    lora: config.finetune.lora.enabled && src.dims.arch !== 'bag' ? { rank: config.finetune.lora.rank, alpha: config.finetune.lora.alpha } : null,
  }
  const keep = new Map<string, NamedArray>()
  for (const [name, w] of weights) {
    if (name.startsWith('head/') && !(sameLabels || head === 'lm')) continue
    if (name.startsWith('lm_head/') && head !== 'lm') continue
    keep.set(name, w)
  }
  const keptHead = sameLabels
  log(keptHead ? 'Fine-tuning with the base model\'s classifier head (same labels).' : head === 'classify' ? `Fine-tuning with a new classifier head for ${labels.length} labels.` : 'Continuing language-model pretraining.')
  return { spec, tokenizer: file.tokenizer, weights: keep, keptHead }
}

/** Which weights train and at what learning-rate multiplier. */
export function selectTrainable(names: string[], ft: FinetuneConfig, finetuning: boolean): { trainable: string[]; lrScale: Record<string, number> } {
  if (!finetuning) return { trainable: names, lrScale: {} }
  const isHead = (n: string) => n.startsWith('head/') || n.startsWith('lm_head/')
  const blockIndex = (n: string) => {
    const m = /^block_(\d+)\//.exec(n)
    return m ? Number(m[1]) : -1
  }
  const trainable = names.filter((n) => {
    if (isHead(n)) return true
    if (ft.lora.enabled) return isLoraWeight(n)
    if (ft.freezeEmbeddings && n.startsWith('embed/')) return false
    const b = blockIndex(n)
    if (b >= 0 && b < ft.freezeLayers) return false
    return true
  })
  const lrScale: Record<string, number> = {}
  // New weights (head, adapters) learn at the full rate; the pretrained body more gently.
  for (const n of trainable) lrScale[n] = isHead(n) || isLoraWeight(n) ? 1 : ft.bodyLrScale
  return { trainable, lrScale }
}
