// Embedding lookup whose gradient is a scatter-add of rows (O(B*T*D)), never a one-hot matmul
// (O(B*T*V*D)). On wasm the scatter is the UnsortedSegmentSum kernel registered by backend-fixes.
import * as tf from '@tensorflow/tfjs-core'
import { ensureBackendFixes } from './registration'
import { customOp, dim } from './custom-op'

/** Looks up rows of an embedding table: table [V, D], ids int32 [B, T] (any shape) -> [B, T, D]. */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  ensureBackendFixes()
  if (ids.dtype !== 'int32') throw new Error(`embeddingLookup needs int32 ids, got ${ids.dtype}`)
  const v = dim(table, 0), d = dim(table, 1)
  const flat = tf.reshape(ids, [-1]) as tf.Tensor1D // [B, T] -> [B*T]
  // ids are not differentiable, so they are not an input of the custom op; they are saved for the backward pass.
  const op = customOp(([t], save) => {
    save([flat])
    return {
      value: tf.reshape(tf.gather(t!, flat), [...ids.shape, d]), // [B*T, D] -> [B, T, D]
      gradFunc: (dy, [f]) => [tf.unsortedSegmentSum(tf.reshape(dy, [-1, d]), f as tf.Tensor1D, v)], // [B*T, D] -> [V, D]
    }
  })
  return op(table)
}
