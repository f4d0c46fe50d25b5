// Copy kernels for the wasm backend written as contiguous-run memmoves in JS (copyWithin on the heap).
// tfjs-backend-wasm 4.22's Slice (and SplitV/Unpack built on it) and GatherV2 walk element by element
// and cost ~10 ms for a 1.5M-element split or an 8000x128 table lookup; these take well under 1 ms.
import * as tf from '@tensorflow/tfjs-core'
import { offsetOf, type WasmBackendLike } from './wasm-heap'

// Copies x[begin : begin + size] (row-major, 4-byte elements) into a new output tensor.
export function sliceInto(be: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = be.makeOutput(size, x.dtype)
  const heap = be.wasm.HEAPF32 // 4-byte element view; int32 bits are moved unchanged
  const rank = x.shape.length
  const strides = new Array<number>(rank)
  let acc = 1
  for (let i = rank - 1; i >= 0; i--) { strides[i] = acc; acc *= x.shape[i]! }
  // The innermost axes taken whole form one contiguous run together with the first partial axis.
  let axis = rank - 1, run = 1
  while (axis >= 0 && size[axis] === x.shape[axis]) { run *= size[axis]!; axis-- }
  if (axis >= 0) run *= size[axis]!
  const src0 = offsetOf(be, x) >> 2, dst0 = offsetOf(be, out) >> 2
  let base = 0
  for (let i = 0; i <= axis; i++) base += begin[i]! * strides[i]!
  const outer = axis <= 0 ? 1 : size.slice(0, axis).reduce((a, b) => a * b, 1)
  const idx = new Array<number>(Math.max(axis, 0)).fill(0)
  for (let o = 0; o < outer; o++) {
    let off = base
    for (let i = 0; i < idx.length; i++) off += idx[i]! * strides[i]!
    heap.copyWithin(dst0 + o * run, src0 + off, src0 + off + run)
    for (let i = idx.length - 1; i >= 0; i--) { // odometer over the outer axes
      if (++idx[i]! < size[i]!) break
      idx[i] = 0
    }
  }
  return out
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }

/** Slice for 4-byte dtypes. */
export function wasmSlice(args: KernelArgs, fallback: (a: KernelArgs) => tf.TensorInfo): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback(args)
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] }
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size)
  return sliceInto(args.backend as WasmBackendLike, x, b, s)
}

/** SplitV for 4-byte dtypes. */
export function wasmSplitV(args: KernelArgs, fallback: (a: KernelArgs) => tf.TensorInfo[]): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback(args)
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number }
  const ax = tf.util.parseAxisParam(axis, x.shape)[0]!
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax)
  const begin = new Array<number>(x.shape.length).fill(0)
  return sizes.map((s) => {
    const size = x.shape.slice()
    size[ax] = s
    const out = sliceInto(args.backend as WasmBackendLike, x, begin.slice(), size)
    begin[ax]! += s
    return out
  })
}

/** GatherV2 along axis 0 (embedding rows) for float32 params and int32 indices; other cases use the fallback. */
export function wasmGatherRows(args: KernelArgs, fallback: (a: KernelArgs) => tf.TensorInfo): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo }
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number }
  const ax = tf.util.parseAxisParam(axis, x.shape)[0]
  if (ax !== 0 || (batchDims ?? 0) !== 0 || x.dtype !== 'float32' || indices.dtype !== 'int32') return fallback(args)
  const be = args.backend as WasmBackendLike
  const rows = x.shape[0]!
  const row = tf.util.sizeFromShape(x.shape.slice(1))
  const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32')
  const heap = be.wasm.HEAPF32
  const ids = new Int32Array(be.wasm.HEAPU8.buffer, offsetOf(be, indices), tf.util.sizeFromShape(indices.shape))
  const src0 = offsetOf(be, x) >> 2, dst0 = offsetOf(be, out) >> 2
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i]!
    if (r < 0 || r >= rows) {
      be.disposeData(out.dataId)
      throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`)
    }
    heap.copyWithin(dst0 + i * row, src0 + r * row, src0 + (r + 1) * row)
  }
  return out
}
