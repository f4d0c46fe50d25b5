// Tensor ops the engine's models call for their heavy work, fast on the wasm backend and correct on every backend.
//
// Intended usage (what makes the model fast):
// - call registerBackendFixes(tf.getBackend()) once after choosing the backend (the ops also do it lazily);
//   after it, even plain tf.matMul with transpose flags avoids wasm's slow paths, and the fused kernels
//   (layer norm, GELU, seeded dropout, attention backward, AdamW, row-chunked weight gradients) are registered;
//   their elementwise loops run 4-wide in a small hand-assembled wasm SIMD module (wasm-simd.ts) where the
//   engine allows it, in JS otherwise.
// - every projection through dense(x, w, b) (x may be [B, T, D]; it is folded to [B*T, D] internally);
// - attention as: qkv = dense(h, wQkv, bQkv) -> splitQkv(qkv, nHeads) -> attention(q, k, v, {maskBias, dropoutRate, seed})
//   -> mergeHeads(output) -> dense(.., wOut, bOut). Keep heads as [B, H, T, Dh] (k, v may have fewer heads:
//   grouped-query); q may have fewer rows than k, v (e.g. only the [CLS] query); build maskBias once per batch
//   with paddingMaskBias(mask) (add a causal [1, 1, T, T] bias yourself for decoders);
// - gelu() for the feed-forward activation (tanh form without tanh), layerNorm() for pre-LN,
//   embeddingLookup() for tokens (never a one-hot matmul), dropout(x, rate, seed) for training masks.
// Loading backend-fixes installs the kernels that registration.ts registers per backend.
import './backend-fixes'
export { registerBackendFixes } from './registration'
export { dense, matMulBatched, transposeLast, sumRows } from './matmul'
export { gelu, geluExact } from './gelu'
export { embeddingLookup } from './embedding'
export { layerNorm } from './layer-norm'
export { dropout, dropoutMask, withDropoutRowOffset } from './dropout'
export { attention, attentionWeights, attendValues, paddingMaskBias, splitHeads, splitQkv, mergeHeads, type AttentionOptions } from './attention'
import * as tf from '@tensorflow/tfjs-core'

/** Softmax over the last axis (tfjs's own kernel and gradient are already fast enough). */
export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.softmax(x)
}
