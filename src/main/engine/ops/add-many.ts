// tf.addN over any number of tensors on every backend. WebGPU binds one storage buffer per input and
// a device allows only 8 per shader stage, so there the sum is taken in groups of 7.
import * as tf from '@tensorflow/tfjs-core'

const WEBGPU_GROUP = 7

/** Elementwise sum of same-shaped tensors (at least one). */
export function addMany(list: tf.Tensor[]): tf.Tensor {
  if (list.length === 1) return list[0]!
  if (tf.getBackend() !== 'webgpu' || list.length <= WEBGPU_GROUP) return tf.addN(list)
  return tf.tidy(() => {
    let sums = list
    while (sums.length > 1) {
      const next: tf.Tensor[] = []
      for (let i = 0; i < sums.length; i += WEBGPU_GROUP) {
        const group = sums.slice(i, i + WEBGPU_GROUP)
        next.push(group.length === 1 ? group[0]! : tf.addN(group))
      }
      sums = next
    }
    return sums[0]!
  })
}
