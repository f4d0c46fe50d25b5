// Thin, typed access to the tfjs wasm backend's heap and kernels, so ops can run the backend's fast
// 2-D matmul on slices of a tensor without copying (a slice is registered as its own tensor id that
// points into the parent's memory) and can write small JS kernels straight into wasm memory.
import * as tf from '@tensorflow/tfjs-core'

/** The parts of the Emscripten module of @tensorflow/tfjs-backend-wasm 4.x that the ops use. */
interface WasmModule {
  HEAPU8: Uint8Array
  HEAP32: Int32Array
  HEAPF32: Float32Array
  _malloc(bytes: number): number
  _register_tensor(id: number, size: number, memoryOffset: number): void
  _dispose_data(id: number): void
  _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number,
    transposeA: number, transposeB: number, outId: number): void
}

interface TensorData { id: number; memoryOffset: number; shape: number[]; dtype: string }

/** The parts of BackendWasm (tfjs-backend-wasm 4.x) that the ops use. */
export interface WasmBackendLike {
  wasm: WasmModule
  dataIdMap: { get(dataId: object): TensorData | undefined }
  dataIdNextNumber: number
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo
  disposeData(dataId: object, force?: boolean): boolean
}

/** True when `backend` looks like a tfjs wasm backend whose internals these ops understand. */
export function isWasmBackend(backend: unknown): backend is WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null
  return !!b && !!b.wasm && typeof b.wasm._BatchMatMul === 'function' &&
    typeof b.wasm._register_tensor === 'function' && typeof b.wasm._dispose_data === 'function' && !!b.dataIdMap
}

/** Byte offset of a tensor's data inside the wasm heap. */
export function offsetOf(be: WasmBackendLike, t: tf.TensorInfo): number {
  const d = be.dataIdMap.get(t.dataId)
  if (!d) throw new Error('tensor data is not on the wasm backend')
  return d.memoryOffset
}

/** Float32 view of a tensor's data in the wasm heap (valid until the next allocation may grow the heap). */
export function heapF32(be: WasmBackendLike, t: tf.TensorInfo): Float32Array {
  return new Float32Array(be.wasm.HEAPU8.buffer, offsetOf(be, t), tf.util.sizeFromShape(t.shape))
}

/** Int32 view of a tensor's data in the wasm heap. */
export function heapI32(be: WasmBackendLike, t: tf.TensorInfo): Int32Array {
  return new Int32Array(be.wasm.HEAPU8.buffer, offsetOf(be, t), tf.util.sizeFromShape(t.shape))
}

const shapeScratch = new WeakMap<WasmBackendLike, number>()

/**
 * out[i] = a[i] @ b[i] for every batch index i, each a plain 2-D product on the backend's fast
 * (XNNPACK fully-connected) path. a: [batch, M, K], b: [batch, K, N] (or b: [1, K, N] shared), out: [batch, M, N].
 * The slices are registered as temporary tensor ids pointing into the parents' memory: no copies.
 */
export function sliceMatMulInto(be: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, out: tf.TensorInfo,
  batch: number, m: number, k: number, n: number, bShared = false): void {
  const w = be.wasm
  let shapes = shapeScratch.get(be)
  if (shapes === undefined) {
    shapes = w._malloc(6 * 4)
    shapeScratch.set(be, shapes)
  }
  const h32 = w.HEAP32
  const s = shapes >> 2
  h32[s] = 1; h32[s + 1] = m; h32[s + 2] = k
  h32[s + 3] = 1; h32[s + 4] = k; h32[s + 5] = n
  const aOff = offsetOf(be, a), bOff = offsetOf(be, b), oOff = offsetOf(be, out)
  const aStep = m * k * 4, bStep = bShared ? 0 : k * n * 4, oStep = m * n * 4
  for (let i = 0; i < batch; i++) {
    const aId = be.dataIdNextNumber++, bId = be.dataIdNextNumber++, oId = be.dataIdNextNumber++
    w._register_tensor(aId, m * k, aOff + i * aStep)
    w._register_tensor(bId, k * n, bOff + i * bStep)
    w._register_tensor(oId, m * n, oOff + i * oStep)
    w._BatchMatMul(aId, shapes, 3, bId, shapes + 12, 3, 0, 0, oId)
    // dispose_data only forgets the id (and the XNNPACK operator cached for it); memory stays with the parents.
    w._dispose_data(aId)
    w._dispose_data(bId)
    w._dispose_data(oId)
  }
}
