// Kernel gap-fillers and slow-path replacements per backend. On wasm: BatchMatMul is replaced by a
// version that never uses the ~10-20x slower transposed/batched code paths (explicit transpose, then
// one fast 2-D product per batch slice), and UnsortedSegmentSum (the gradient of gather) is added.
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's main entry registers no gradients; the tfjs package's Node bundle registers them all
// (the ESM register_all_gradients module cannot be loaded by Node directly).
import '@tensorflow/tfjs'
import { heapF32, heapI32, isWasmBackend, offsetOf, sliceMatMulInto, type WasmBackendLike } from './wasm-heap'
import { simdKernels } from './wasm-simd'
import { wasmGatherRows, wasmSlice, wasmSplitV } from './wasm-copy-kernels'
import { registerAdamWKernels } from './adamw-kernel'
import { registerAttentionKernels } from './attention-kernels'
import { registerDropoutKernels } from './dropout'
import { registerGeluKernels } from './gelu'
import { registerLayerNormKernels } from './layer-norm'
import { registerMatMulKernels } from './matmul'
import { SUM_ROWS } from './kernel-names'
import { setBackendFixer } from './registration'

// Installed in the leaf registration module: the ops ask it to register these, never importing this file.
setBackendFixer((backendName) => {
  if (backendName === 'wasm') registerWasmFixes()
})

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }
type RawKernel = (args: KernelArgs) => tf.TensorInfo

function registerWasmFixes(): void {
  const transposeKernel = tf.getKernel(tf.Transpose, 'wasm')
  if (transposeKernel) {
    const transpose = transposeKernel.kernelFunc as unknown as RawKernel
    override(tf.BatchMatMul, (orig) => (args) => fastBatchMatMul(args, orig as RawKernel, transpose))
  }
  // Identity (used by clone, and so by every tensor an op saves for its gradient) copies on wasm;
  // tensors are immutable (variables swap their data id on assign), so sharing the data is safe.
  override(tf.Identity, () => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo }
    const be = args.backend as WasmBackendLike & { incRef(dataId: object): void }
    be.incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  })
  tf.registerKernel({ kernelName: SUM_ROWS, backendName: 'wasm', kernelFunc: wasmSumRows as unknown as tf.KernelFunc })
  registerAdamWKernels()
  registerLayerNormKernels()
  registerGeluKernels()
  registerAttentionKernels()
  registerDropoutKernels()
  registerMatMulKernels()
  override(tf.Slice, (orig) => (args) => wasmSlice(args, orig as RawKernel))
  override(tf.SplitV, (orig) => (args) => wasmSplitV(args, orig as unknown as (a: KernelArgs) => tf.TensorInfo[]))
  override(tf.GatherV2, (orig) => (args) => wasmGatherRows(args, orig as RawKernel))
  if (!tf.getKernel(tf.UnsortedSegmentSum, 'wasm')) {
    tf.registerKernel({
      kernelName: tf.UnsortedSegmentSum,
      backendName: 'wasm',
      kernelFunc: wasmUnsortedSegmentSum as unknown as tf.KernelFunc,
    })
  }
}

// Replaces a wasm kernel by `make(original)`, once (the replacement is tagged so a second call is a no-op).
function override(kernelName: string, make: (orig: (a: KernelArgs) => unknown) => (a: KernelArgs) => unknown): void {
  const original = tf.getKernel(kernelName, 'wasm')
  if (!original || (original.kernelFunc as { awFast?: boolean }).awFast) return
  const kernelFunc = Object.assign(make(original.kernelFunc as unknown as (a: KernelArgs) => unknown), { awFast: true })
  tf.unregisterKernel(kernelName, 'wasm')
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc })
}

function sameDims(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

// a @ b with transpose flags, computed as: explicit transpose of the flagged operand(s), then either one
// 2-D product (batch dims folded into rows when b is shared) or one 2-D product per batch slice.
function fastBatchMatMul(args: KernelArgs, plain: RawKernel, transpose: RawKernel): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean }
  const be = args.backend
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !isWasmBackend(be) || a.shape.length < 2 || b.shape.length < 2) {
    return plain(args)
  }
  const temps: tf.TensorInfo[] = []
  const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
    const r = x.shape.length
    const perm = [...Array(r - 2).keys(), r - 1, r - 2]
    const t = transpose({ inputs: { x }, backend: be, attrs: { perm } })
    temps.push(t)
    return t
  }
  const A = attrs.transposeA ? swapLast(a) : a // [..., M, K]
  const B = attrs.transposeB ? swapLast(b) : b // [..., K, N]
  const outerA = A.shape.slice(0, -2), outerB = B.shape.slice(0, -2)
  const m = A.shape[A.shape.length - 2], k = A.shape[A.shape.length - 1], n = B.shape[B.shape.length - 1]
  const batchA = tf.util.sizeFromShape(outerA), batchB = tf.util.sizeFromShape(outerB)
  const noFlags = { transposeA: false, transposeB: false }
  let out: tf.TensorInfo
  if (batchB === 1 && outerB.length <= outerA.length) {
    // b is shared by every batch: the whole product is one [batchA * M, K] @ [K, N].
    const flatA = { dataId: A.dataId, shape: [1, batchA * m, k], dtype: A.dtype }
    const flatB = { dataId: B.dataId, shape: [1, k, n], dtype: B.dtype }
    out = plain({ inputs: { a: flatA, b: flatB } as unknown as tf.NamedTensorInfoMap, backend: be, attrs: noFlags })
    out.shape = [...(outerA.length >= outerB.length ? outerA : outerB), m, n]
  } else if (batchA > 1 && sameDims(outerA, outerB)) {
    out = be.makeOutput([...outerA, m, n], 'float32')
    sliceMatMulInto(be, A, B, out, batchA, m, k, n)
  } else {
    out = plain({ inputs: { a: A, b: B }, backend: be, attrs: noFlags })
  }
  for (const t of temps) be.disposeData(t.dataId)
  return out
}

// out[j] = sum_i x[i, j] for x [N, D], one JS pass over contiguous rows.
function wasmSumRows(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo }
  const be = args.backend as WasmBackendLike
  const d = x.shape[x.shape.length - 1]!
  const n = tf.util.sizeFromShape(x.shape) / d
  const out = be.makeOutput([d], 'float32')
  heapF32(be, out).fill(0)
  const simd = d % 4 === 0 && x.dtype === 'float32' ? simdKernels(be) : null
  if (simd) {
    simd.sumRows(offsetOf(be, x), offsetOf(be, out), n, d) // 4-wide
    return out
  }
  const o = heapF32(be, out), xs = heapF32(be, x)
  for (let i = 0; i < n; i++) {
    const row = i * d
    for (let j = 0; j < d; j++) o[j] += xs[row + j]!
  }
  return out
}

// out[segmentIds[i], ...] += x[i, ...]; ids outside [0, numSegments) are dropped, as in TensorFlow.
function wasmUnsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo }
  const { numSegments } = args.attrs as { numSegments: number }
  const be = args.backend as WasmBackendLike
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum on wasm supports float32, got ${x.dtype}`)
  const rows = segmentIds.shape.reduce((p, d) => p * d, 1)
  const inner = tf.util.sizeFromShape(x.shape) / rows
  const out = be.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32')
  // Views are taken after makeOutput: allocation may grow (and detach) the heap.
  const o = heapF32(be, out), xs = heapF32(be, x), ids = heapI32(be, segmentIds)
  o.fill(0)
  for (let i = 0; i < rows; i++) {
    const s = ids[i]
    if (s < 0 || s >= numSegments) continue
    const src = i * inner, dst = s * inner
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j]
  }
  return out
}
