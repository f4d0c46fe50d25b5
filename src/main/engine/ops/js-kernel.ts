// Kernels written in JS over Float32Array views of the wasm backend's heap. A fused loop that reads
// each input once beats a chain of small wasm kernels (each a full pass plus an allocation) for
// arithmetic-only work; anything needing exp stays on the backend's vectorised kernels (Math.exp
// in a JS loop is ~5x slower than wasm's sigmoid/softmax).
import * as tf from '@tensorflow/tfjs-core'
import type { WasmBackendLike } from './wasm-heap'

/** What a JS kernel receives: its inputs, the wasm backend and its attributes. */
export interface JsKernelArgs {
  inputs: Record<string, tf.TensorInfo>
  backend: WasmBackendLike
  attrs: Record<string, unknown>
}

/** Registers `fn` as kernel `name` on the wasm backend (once). */
export function registerJsKernel(name: string, fn: (args: JsKernelArgs) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (tf.getKernel(name, 'wasm')) return
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc })
}

/** True when kernel `name` exists on the active backend (so the op may call it instead of its tf.* composite). */
export function hasKernel(name: string): boolean {
  return !!tf.getKernel(name, tf.getBackend())
}

/** Runs kernel `name` on the active backend. */
export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[]
}
