// The model registry, tfjs-free half: which architectures exist, what each can do, how it is described
// and how it is costed. Main, the renderer and the engine all read it; the engine's half
// (src/main/engine/models/registry.ts) adds weight shapes and the forward pass under the same id.
//
// How to add an architecture:
//   1. Add its id to `architectures` below and an entry to `modelRegistry` (capabilities, description,
//      how a classifier reads it, its cost model; `transformerCost` or `bagCost` cover the shapes built
//      from the engine's blocks).
//   2. Add its engine entry (shapes, forward) in src/main/engine/models/registry.ts.
//   3. Add its label and help to the i18n tables (fields.model.arch.options).
//   4. Add a case to tests/main/services/runs-plan.test.ts: the cost model's parameter count must
//      equal the engine's weight shapes.
// Nothing else tests architecture names: code asks `modelInfo(arch)` what a model can do.
//
// A family that differs in details (post-LN, erf GELU, token types, position offsets, tied heads) is not
// a new architecture: it sets the `ModelFamily` fields of its dims and the shared blocks read them.
import type { ModelConfig } from './config'
import { bagCost, imageCost, tableCost, transformerCost, type CostModel } from './model-cost'

/** Model families that read text: the ones a run configuration may choose. */
export const textArchitectures = ['encoder', 'decoder', 'bag'] as const
/** Model families the engine builds (text ones, then the table encoder and the image encoder (ViT)). */
export const architectures = [...textArchitectures, 'table', 'image'] as const
/** One architecture id. */
export type Architecture = (typeof architectures)[number]

/** What a model of an architecture can be used for; code asks these instead of testing names. */
export interface ModelCapabilities {
  /** Trains as a text classifier. */
  classify: boolean
  /** Can be pretrained on unlabeled text (see ArchitectureInfo.pretrain for how). */
  pretrain: boolean
  /** Has attention weights to show (heatmaps, rollout). */
  attentionMaps: boolean
  /** Exports to the tfjs graph / ONNX bundle. */
  export: boolean
  /** Accepts LoRA adapters on its attention projections. */
  lora: boolean
}

/**
 * Details in which model families differ, as fields of the description rather than copies of the model.
 * All optional: the app's own models leave them out (so their saved files are unchanged) and get
 * `familyDefaults`; imported bases set them from their checkpoint's config. Read them through `familyOf`.
 */
export interface ModelFamily {
  /** 'pre' (default): x + f(LN(x)), GPT-2 and the app's models; 'post' (BERT): LN(x + f(x)). */
  norm?: 'pre' | 'post'
  /** Feed-forward GELU: 'tanh' (default, the tanh form) or 'erf' (exact, BERT). */
  gelu?: 'tanh' | 'erf'
  /** Layer-norm epsilon (default 1e-5; BERT uses 1e-12). */
  lnEps?: number
  /** A layer norm after the last block (default true). */
  finalLn?: boolean
  /** Token-type embedding rows (`embed/type`); texts use type 0. Default 0 = none. */
  typeVocab?: number
  /** Position ids start here (RoBERTa: padding_idx + 1); default 0. The table keeps maxLen rows. */
  positionOffset?: number
  /** A layer norm on the summed embeddings (`embed/ln`), as BERT has. Default false. */
  embedLn?: boolean
  /** Embedding width when it differs from dModel (ELECTRA): then `embed/proj` maps it to dModel. */
  embedSize?: number
  /** The language-model head reuses the token embedding (transposed) instead of its own weights. Default false. */
  tiedLmHead?: boolean
}

/** Today's behaviour: what every model gets unless its family says otherwise (embedSize 0 = dModel). */
export const familyDefaults: Required<ModelFamily> = {
  norm: 'pre', gelu: 'tanh', lnEps: 1e-5, finalLn: true, typeVocab: 0, positionOffset: 0, embedLn: false, embedSize: 0, tiedLmHead: false,
}

/** The family fields of dims with the defaults filled in (embedSize resolved to a width). */
export function familyOf(d: ModelFamily & { dModel: number }): Required<ModelFamily> {
  const f = { ...familyDefaults }
  for (const k of Object.keys(familyDefaults) as (keyof ModelFamily)[]) if (d[k] !== undefined) (f as Record<string, unknown>)[k] = d[k]
  if (!f.embedSize) f.embedSize = d.dModel
  return f
}

/**
 * The columns a table model reads, in token order after [CLS]: numeric columns first, then categorical
 * ones. A categorical column of `size` known values has ids 0 = missing, 1 = other (unseen), 2.. = values.
 */
export interface TableColumns {
  numeric: string[]
  categorical: { name: string; size: number }[]
}

/**
 * The images an image model reads: `size` x `size` pixels with `channels` (1 grey, 3 RGB), row-major, channels
 * last, values 0..255; cut into `patch` x `patch` tiles (size divisible by patch), each tile one token.
 */
export interface ImageShape {
  size: number
  channels: 1 | 3
  patch: number
}

/** Image sizes the image encoder is offered (square, pixels): small enough to train on a CPU. */
export const imageSizes = [16, 24, 32, 48, 64] as const

/**
 * The patch size for an image size: an 8 x 8 grid of patches (64 tokens plus [CLS]) at every size, so the
 * attention cost is the same at 16 px as at 64 px and each token covers an eighth of the image's side
 * (4 px at 32 px, 8 px at 64 px). Sizes not divisible by 8 take the largest divisor giving at most 64 patches.
 */
export function patchSizeFor(size: number): number {
  if (!Number.isInteger(size) || size < 4 || size > 256) throw new Error(`Image size ${size} is outside 4..256 pixels.`)
  for (let p = Math.ceil(size / 8); p <= size; p++) if (size % p === 0) return p
  return size
}

/** The model hyperparameters with derived sizes filled in (names from the Transformer paper). */
export interface ModelDims extends ModelFamily {
  arch: Architecture
  vocabSize: number
  dModel: number
  nHeads: number
  /** K/V heads (== nHeads for standard multi-head attention). */
  nKvHeads: number
  /** dModel / nHeads. */
  headDim: number
  nLayers: number
  ffnDim: number
  /** Longest sequence the model accepts: seqLen plus the [CLS] slot. */
  maxLen: number
  dropout: number
  attnDropout: number
  attention: ModelConfig['attention']
  window: number
  positional: ModelConfig['positional']
  /** 'cls' reads the architecture's summary position (`ArchitectureInfo.summary`), 'mean' averages real tokens. */
  pooling: ModelConfig['pooling']
  /** The table model's columns (architecture 'table' only). */
  table?: TableColumns
  /** The image model's input (architecture 'image' only). */
  image?: ImageShape
}

/** What a model outputs: class logits, next-token logits (decoder pretraining) or masked-token logits (encoder pretraining). */
export type HeadKind = 'classify' | 'lm' | 'mlm'

/** Everything needed to rebuild a model's weights and forward pass (plain data: saved with the model). */
export interface ModelSpec {
  dims: ModelDims
  head: HeadKind
  /** Output classes (ignored for 'lm' and 'mlm'). */
  nClasses: number
  /** LoRA adapters on the attention projections (and the feed-forward when `ffn`), or null. */
  lora: { rank: number; alpha: number; ffn?: boolean } | null
}

/** One registered architecture: everything main and the renderer may know about it. */
export interface ArchitectureInfo {
  id: Architecture
  /** Short English name ("Transformer encoder"). */
  name: string
  /** One line for the UI and the terminal. */
  description: string
  capabilities: ModelCapabilities
  /** How it pretrains on unlabeled text: its language-model head and what that predicts; null when it cannot. */
  pretrain: { head: 'lm' | 'mlm'; predicts: string } | null
  /** Has a stack of Transformer blocks (layers, heads and attention settings apply). */
  blocks: boolean
  /** Each position sees only itself and earlier ones. */
  causal: boolean
  /** Which position 'cls' pooling reads: the first token, or the last real one. */
  summary: 'first' | 'last'
  /** The model card's sentence about this model ("a Transformer encoder classifier with ..."). */
  describe(dims: ModelDims, parameters: number): string
  cost: CostModel
  /** What it reads: text (token ids), a table's columns or an image's pixels. */
  reads: 'text' | 'table' | 'image'
}

const size = (n: number) => `${n.toLocaleString('en-US')} parameters`

function describeBlocks(kind: string, lastToken: boolean) {
  return (d: ModelDims, parameters: number): string => {
    const attn = d.attention === 'sliding' ? `sliding-window attention (±${d.window} tokens)` : d.attention === 'linear' ? 'linear (kernel) attention' : 'full softmax attention'
    const heads = d.nKvHeads !== d.nHeads ? `${d.nHeads} query heads sharing ${d.nKvHeads} key/value heads` : `${d.nHeads} heads`
    const pool = d.pooling === 'mean' ? 'mean pooling' : lastToken ? 'last-token pooling' : '[CLS] pooling'
    return `a ${kind} with ${d.nLayers} ${familyOf(d).norm}-LN block(s), dModel ${d.dModel}, ${heads}, feed-forward width ${d.ffnDim}, ${attn}, ${d.positional} positions and ${pool} (${size(parameters)}).`
  }
}

/** The registry: one entry per architecture. */
export const modelRegistry: Record<Architecture, ArchitectureInfo> = {
  encoder: {
    id: 'encoder',
    name: 'Transformer encoder',
    description: 'Reads the whole text at once; the best choice for classifying. Pretrains by guessing masked words.',
    capabilities: { classify: true, pretrain: true, attentionMaps: true, export: true, lora: true },
    pretrain: { head: 'mlm', predicts: 'masked words' },
    blocks: true,
    causal: false,
    summary: 'first',
    describe: describeBlocks('Transformer encoder classifier', false),
    cost: transformerCost(false),
    reads: 'text',
  },
  decoder: {
    id: 'decoder',
    name: 'Transformer decoder',
    description: 'Reads left to right (GPT-style); can be pretrained on unlabeled text, then fine-tuned.',
    capabilities: { classify: true, pretrain: true, attentionMaps: true, export: true, lora: true },
    pretrain: { head: 'lm', predicts: 'next word' },
    blocks: true,
    causal: true,
    summary: 'last',
    describe: describeBlocks('causal Transformer decoder, fine-tuned as a classifier from its last token', true),
    cost: transformerCost(true),
    reads: 'text',
  },
  bag: {
    id: 'bag',
    name: 'Bag of embeddings',
    description: 'A fast baseline: the mean of the word vectors, blind to word order.',
    capabilities: { classify: true, pretrain: false, attentionMaps: false, export: true, lora: false },
    pretrain: null,
    blocks: false,
    causal: false,
    summary: 'first',
    describe: (d, parameters) => `a bag-of-embeddings baseline (the mean of ${d.dModel}-wide token embeddings, then a linear layer; ${size(parameters)}). It ignores word order.`,
    cost: bagCost,
    reads: 'text',
  },
  table: {
    id: 'table',
    name: 'Table encoder',
    description: 'Reads a table row: each column becomes a token (FT-Transformer), and [CLS] sums them up.',
    capabilities: { classify: true, pretrain: false, attentionMaps: true, export: true, lora: false },
    pretrain: null,
    blocks: true,
    causal: false,
    summary: 'first',
    describe: (d, parameters) => {
      const t = d.table ?? { numeric: [], categorical: [] }
      return `a table encoder (FT-Transformer) reading ${t.numeric.length} numeric and ${t.categorical.length} categorical column(s) as tokens, with ${d.nLayers} pre-LN block(s), dModel ${d.dModel}, ${d.nHeads} heads and [CLS] pooling (${size(parameters)}).`
    },
    cost: tableCost,
    reads: 'table',
  },
  image: {
    id: 'image',
    name: 'Vision Transformer',
    description: 'Reads an image as a grid of patches (ViT): each patch becomes a token, and [CLS] sums them up.',
    capabilities: { classify: true, pretrain: false, attentionMaps: true, export: true, lora: false },
    pretrain: null,
    blocks: true,
    causal: false,
    summary: 'first',
    describe: (d, parameters) => {
      const im = d.image ?? { size: 0, channels: 3, patch: 1 }
      const g = im.size / im.patch
      return `a Vision Transformer reading ${im.size} x ${im.size} ${im.channels === 1 ? 'grey' : 'colour'} images as a ${g} x ${g} grid of ${im.patch} x ${im.patch} patches with learned row and column positions, ${d.nLayers} pre-LN block(s), dModel ${d.dModel}, ${d.nHeads} heads and [CLS] pooling (${size(parameters)}).`
    },
    cost: imageCost,
    reads: 'image',
  },
}

/** The registry entry of an architecture. */
export function modelInfo(arch: Architecture): ArchitectureInfo {
  const info = modelRegistry[arch]
  if (!info) throw new Error(`Unknown model architecture "${String(arch)}".`)
  return info
}

/** Architectures that have a capability, in registry order. */
export function architecturesWith(capability: keyof ModelCapabilities): Architecture[] {
  return architectures.filter((a) => modelRegistry[a].capabilities[capability])
}

/** Dims of a table model over `columns`: the block settings of `m`, one token per column plus [CLS]. */
export function tableDims(m: ModelConfig, columns: TableColumns): ModelDims {
  const F = columns.numeric.length + columns.categorical.length
  if (F === 0) throw new Error('A table model needs at least one numeric or categorical column.')
  return { ...resolveDims(m, 0), arch: 'table', maxLen: F + 1, attention: 'full', positional: 'learned', pooling: 'cls', table: columns }
}

/** Dims of an image model over `image`: the block settings of `m`, one token per patch plus [CLS]. */
export function imageDims(m: ModelConfig, image: ImageShape): ModelDims {
  const { size, channels, patch } = image
  if (!Number.isInteger(size) || size < 4 || size > 256) throw new Error(`Image size ${size} is outside 4..256 pixels.`)
  if (channels !== 1 && channels !== 3) throw new Error(`Images have 1 (grey) or 3 (colour) channels, not ${String(channels)}.`)
  if (!Number.isInteger(patch) || patch < 1 || size % patch !== 0) throw new Error(`The patch size (${patch}) must divide the image size (${size}).`)
  const grid = size / patch
  return { ...resolveDims(m, 0), arch: 'image', maxLen: grid * grid + 1, attention: 'full', positional: 'learned', pooling: 'cls', image: { size, channels, patch } }
}

/** Fills in derived sizes: headDim = dModel / nHeads, ffnDim 0 -> 4 dModel, nKvHeads 0 -> nHeads; family fields as given. */
export function resolveDims(m: ModelConfig, vocabSize: number, family: Partial<ModelFamily> = {}): ModelDims {
  const nKvHeads = m.nKvHeads || m.nHeads
  if (m.dModel % m.nHeads !== 0) throw new Error(`dModel (${m.dModel}) must be divisible by nHeads (${m.nHeads})`)
  if (m.nHeads % nKvHeads !== 0) throw new Error(`nHeads (${m.nHeads}) must be a multiple of nKvHeads (${nKvHeads})`)
  return {
    ...family,
    arch: m.arch,
    vocabSize,
    dModel: m.dModel,
    nHeads: m.nHeads,
    nKvHeads,
    headDim: m.dModel / m.nHeads,
    nLayers: m.nLayers,
    ffnDim: m.ffnDim || 4 * m.dModel,
    maxLen: m.seqLen + 1,
    dropout: m.dropout,
    attnDropout: m.attnDropout,
    attention: m.attention,
    window: m.window,
    positional: m.positional,
    pooling: m.pooling,
  }
}
