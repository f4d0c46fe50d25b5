// Shapes and contracts shared by the engine's models.
import type * as tf from '@tensorflow/tfjs-core'
import type { ModelConfig } from '../../../shared/config'
import type { Params } from '../params'
import type { SeedStream } from '../rng'

/** The model hyperparameters with derived sizes filled in (names from the Transformer paper). */
export interface ModelDims {
  arch: ModelConfig['arch']
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
  pooling: ModelConfig['pooling']
  // Variants pretrained bases need (left out: the engine's own pre-LN models). The shared embedding and
  // block code read them, so BERT, RoBERTa, ELECTRA, DistilBERT and GPT-2 bodies are this one model.
  /** 'pre' (default): x + f(LN(x)); 'post' (BERT): LN(x + f(x)). */
  norm?: 'pre' | 'post'
  /** Layer-norm epsilon (default 1e-5; BERT uses 1e-12). */
  lnEps?: number
  /** Feed-forward GELU: 'tanh' (default, the tanh form) or 'erf' (exact, BERT). */
  gelu?: 'tanh' | 'erf'
  /** A layer norm after the last block (default true). */
  finalLn?: boolean
  /** Token-type embedding rows (`embed/type`); texts use type 0. Default 0 = none. */
  typeVocab?: number
  /** Position ids start here (RoBERTa: padding_idx + 1); default 0. */
  positionOffset?: number
  /** A layer norm on the summed embeddings (`embed/ln`), as BERT has. Default false. */
  embedLn?: boolean
  /** Embedding width when it differs from dModel (ELECTRA): then `embed/proj` maps it to dModel. */
  embedSize?: number
}

/** What a model outputs: class logits, next-token logits (decoder pretraining) or masked-token logits (encoder pretraining). */
export type HeadKind = 'classify' | 'lm' | 'mlm'

/** Everything needed to rebuild a model's weights and forward pass. */
export interface ModelSpec {
  dims: ModelDims
  head: HeadKind
  /** Output classes (ignored for 'lm'). */
  nClasses: number
  /** LoRA adapters on the attention projections (and the feed-forward when `ffn`), or null. */
  lora: { rank: number; alpha: number; ffn?: boolean } | null
}

/** Per-call state of a forward pass. */
export interface ForwardContext {
  training: boolean
  /** Source of dropout seeds; null turns dropout off. */
  seeds: SeedStream | null
  /** alpha / rank of the LoRA adapters (unused without adapters). */
  loraScale: number
  /** When non-null, every attention layer pushes its weights [B, H, T, T] here. */
  attention: tf.Tensor[] | null
  /** Head 'mlm': flat indices (b * T + t) of the masked positions whose logits to compute. */
  positions?: tf.Tensor | null
  /** Return the pooled body output [B, D] instead of the head's logits (frozen-feature fine-tuning). */
  pooled?: boolean
}

/** Options of one forward pass. */
export interface ForwardOptions {
  training: boolean
  /** Base seed for this step's dropout masks. */
  dropoutSeed?: number
  /** Collect attention weights of every layer. */
  returnAttention?: boolean
  /** Head 'mlm': int32 [N] flat indices (b * T + t) of the positions to predict; logits are [N, V]. */
  positions?: tf.Tensor
  /** Return the pooled body output [B, D] (what the classifier head reads) instead of logits. */
  pooled?: boolean
}

/** A built model: named weights plus a pure forward function. */
export interface TextModel {
  readonly spec: ModelSpec
  readonly params: Params
  /**
   * ids int32 [B, T], mask float32 [B, T] (1 = real token) ->
   * logits [B, C] for 'classify', [B, T, V] for 'lm', [N, V] for 'mlm' (N = opts.positions); attention: one [B, H, T, T] per layer when asked.
   */
  forward(ids: tf.Tensor, mask: tf.Tensor, opts: ForwardOptions): { logits: tf.Tensor; attention: tf.Tensor[] }
}

/** Masks an attention layer needs, built once per forward pass. */
export interface AttentionMasks {
  /** Padding mask [B, T], 1 = real token. */
  pad: tf.Tensor
  /** Additive bias [B, 1, T, T] (0 = may attend, -1e9 = may not), or null when nothing is masked. */
  bias: tf.Tensor | null
  causal: boolean
}
