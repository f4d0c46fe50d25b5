// A typed wrapper over tf.customGrad: the op gets its tensor inputs as an array plus the save function.
import * as tf from '@tensorflow/tfjs-core'

/** What a custom op returns: its value and the gradient of each input, in order. */
export interface CustomOpResult {
  value: tf.Tensor
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[]
}

/** Builds a differentiable op from a forward function that also returns its own gradient. */
export function customOp(f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomOpResult): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    return f(args.slice(0, -1) as tf.Tensor[], save)
  }) as unknown as Parameters<typeof tf.customGrad>[0])
  return (...inputs: tf.Tensor[]) => op(...inputs)
}

/** The size of axis `i` (negative counts from the end), as a plain number. */
export function dim(t: { shape: number[] }, i: number): number {
  const d = t.shape[i < 0 ? t.shape.length + i : i]
  if (d === undefined) throw new Error(`axis ${i} out of range for shape [${t.shape.join(', ')}]`)
  return d
}
