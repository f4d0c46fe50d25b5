// Shapes and contracts shared by the engine's models.
import type * as tf from '@tensorflow/tfjs-core'
import type { Params } from '../params'
import type { SeedStream } from '../rng'

// The model description (dims, spec) is plain data defined once in the registry's shared half.
import type { ModelSpec } from '../../../shared/models'
export type { HeadKind, ImageShape, ModelDims, ModelFamily, ModelSpec, TableColumns } from '../../../shared/models'

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
  /** See ForwardOptions.lastBlockShortcut (modelFromParams turns it on unless asked not to). */
  lastBlockShortcut?: boolean
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
  /**
   * Let the last block of a [CLS]-pooled encoder compute position 0 only (default true: same logits and
   * gradients, less work). Off runs every row of every block, like a textbook encoder (the benchmark's
   * like-for-like comparison with PyTorch).
   */
  lastBlockShortcut?: boolean
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
