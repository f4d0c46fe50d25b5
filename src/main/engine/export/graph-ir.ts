// A small, framework-neutral inference graph: the exported model is traced once into this form and
// then written out twice, as a TensorFlow.js graph model and as ONNX, so both formats compute the
// same function op for op. Only plain, widely supported ops are used (no custom kernels). Two dimensions
// are symbolic: the batch (-1) and the sequence length (-2, any length up to the model's maximum), so a
// five-token text costs a five-token pass. A reshape names them (-1 and -2, read from the ids input's
// shape at run time) and may leave one more dimension to be inferred (-3: e.g. batch x length folded).

/** Symbolic dimensions in shapes: the batch, the sequence length, and a product inferred by a reshape. */
export const DIM = { batch: -1, seq: -2, rest: -3 } as const

/** Element types the graph uses. */
export type IrDType = 'float32' | 'int32'

/** Operations, each with a direct equivalent in tfjs-converter and in the ONNX standard opset. */
export type IrOp =
  | { op: 'gather'; table: string; ids: string }
  | { op: 'add' | 'sub' | 'mul' | 'div' | 'max'; a: string; b: string }
  | { op: 'matmul'; a: string; b: string }
  | { op: 'transpose'; x: string; perm: number[] }
  | { op: 'reshape'; x: string; shape: number[] }
  | { op: 'softmax' | 'sigmoid' | 'elu' | 'rsqrt' | 'erf'; x: string }
  | { op: 'mean' | 'sum'; x: string; axes: number[]; keepDims: boolean }
  | { op: 'slice'; x: string; axis: number; start: number; end: number }
  | { op: 'concat'; xs: string[]; axis: number }
  /** The first (run-time) sequence-length entries along each of `axes` (a constant sized for the maximum, cut to T). */
  | { op: 'sliceSeq'; x: string; axes: number[] }

/** One computed value. */
export interface IrNode {
  name: string
  def: IrOp
  shape: number[]
}

/** A constant: an engine weight (kept under its engine name) or a helper value. */
export interface IrConst {
  name: string
  shape: number[]
  dtype: IrDType
  data: Float32Array | Int32Array
  /** True for the model's own weights (what an import reads back). */
  weight: boolean
}

/** A graph input (ids, mask) or output. */
export interface IrValue {
  name: string
  shape: number[]
  dtype: IrDType
}

/** A named graph output and the value it exposes. */
export interface IrOutput extends IrValue {
  source: string
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1)

/** Builds a graph while tracking shapes (-1 batch, -2 sequence length, -3 inferred), so mistakes fail at export time. */
export class GraphBuilder {
  readonly inputs: IrValue[] = []
  readonly outputs: IrOutput[] = []
  readonly consts = new Map<string, IrConst>()
  readonly nodes: IrNode[] = []
  private readonly shapes = new Map<string, number[]>()
  private readonly dtypes = new Map<string, IrDType>()
  /** The value whose shape's first two entries are the run-time batch and length (null: the first input). */
  dimsSource: string | null = null
  private counter = 0
  private scalars = new Map<number, string>()

  /** A graph input. */
  input(name: string, shape: number[], dtype: IrDType): string {
    this.inputs.push({ name, shape, dtype })
    this.shapes.set(name, shape)
    this.dtypes.set(name, dtype)
    return name
  }

  /** Exposes a value as a graph output under a stable name. */
  output(name: string, source: string): void {
    this.outputs.push({ name, source, shape: this.shape(source), dtype: this.dtypes.get(source) ?? 'float32' })
  }

  /** A model weight under its engine name. */
  weight(name: string, shape: number[], data: Float32Array): string {
    return this.constant(name, shape, data, true)
  }

  /** A float32 constant (name given, or generated). */
  constant(name: string | null, shape: number[], data: Float32Array, weight = false): string {
    const n = name ?? `const/${this.counter++}`
    if (data.length !== size(shape)) throw new Error(`constant ${n}: ${data.length} values for shape [${shape.join(', ')}]`)
    if (this.consts.has(n)) throw new Error(`constant ${n} defined twice`)
    this.consts.set(n, { name: n, shape, dtype: 'float32', data, weight })
    this.shapes.set(n, shape)
    this.dtypes.set(n, 'float32')
    return n
  }

  /** A float32 scalar, shared by every use of the same value. */
  scalar(value: number): string {
    const f = Math.fround(value)
    let n = this.scalars.get(f)
    if (!n) {
      n = this.constant(null, [], new Float32Array([f]))
      this.scalars.set(f, n)
    }
    return n
  }

  /** Element type of a value. */
  dtype(name: string): IrDType {
    return this.dtypes.get(name) ?? 'float32'
  }

  /** Shape of a value (-1 batch, -2 sequence length, -3 inferred). */
  shape(name: string): number[] {
    const s = this.shapes.get(name)
    if (!s) throw new Error(`unknown graph value ${name}`)
    return s
  }

  /** Drops nodes and helper constants no output depends on (e.g. a mask linear attention does not use); weights stay. */
  prune(): void {
    const byName = new Map(this.nodes.map((n) => [n.name, n]))
    const live = new Set<string>()
    const stack = this.outputs.map((o) => o.source)
    while (stack.length) {
      const name = stack.pop()!
      if (live.has(name)) continue
      live.add(name)
      const n = byName.get(name)
      if (n) stack.push(...operands(n.def))
    }
    const kept = this.nodes.filter((n) => live.has(n.name))
    this.nodes.splice(0, this.nodes.length, ...kept)
    for (const [name, c] of [...this.consts]) if (!live.has(name) && !c.weight) this.consts.delete(name)
  }

  private add(def: IrOp, shape: number[], scope: string): string {
    const name = `${scope}/${def.op}_${this.counter++}`
    this.nodes.push({ name, def, shape })
    this.shapes.set(name, shape)
    this.dtypes.set(name, 'float32')
    return name
  }

  gather(scope: string, table: string, ids: string): string {
    return this.add({ op: 'gather', table, ids }, [...this.shape(ids), this.shape(table)[1]], scope)
  }

  binary(scope: string, op: 'add' | 'sub' | 'mul' | 'div' | 'max', a: string, b: string): string {
    return this.add({ op, a, b }, broadcast(this.shape(a), this.shape(b)), scope)
  }

  matmul(scope: string, a: string, b: string): string {
    const sa = this.shape(a), sb = this.shape(b)
    if (sa.length !== sb.length) throw new Error(`matmul ${a} x ${b}: ranks differ`)
    if (sa[sa.length - 1] !== sb[sb.length - 2]) throw new Error(`matmul ${a} [${sa}] x ${b} [${sb}]: inner sizes differ`)
    return this.add({ op: 'matmul', a, b }, [...sa.slice(0, -1), sb[sb.length - 1]], scope)
  }

  transpose(scope: string, x: string, perm: number[]): string {
    const s = this.shape(x)
    return this.add({ op: 'transpose', x, perm }, perm.map((p) => s[p]), scope)
  }

  reshape(scope: string, x: string, shape: number[]): string {
    const from = this.shape(x)
    const known = from.filter((d) => d > 0)
    const to = shape.filter((d) => d > 0)
    if (shape.filter((d) => d === DIM.batch).length > 1 || shape.filter((d) => d === DIM.rest).length > 1) throw new Error(`reshape ${x}: a symbolic dimension twice`)
    if (shape.some((d) => d <= 0 && d !== DIM.batch && d !== DIM.seq && d !== DIM.rest)) throw new Error(`reshape ${x}: bad dimension in [${shape}]`)
    const fromSymbolic = known.length !== from.length
    const toSymbolic = to.length !== shape.length
    // Static shapes must hold the same count; with symbolic dimensions on both sides (possibly folded
    // into another dimension, [B, T, D] -> [B*T, D]) one per-example size must divide the other.
    const ok = fromSymbolic === toSymbolic && (fromSymbolic ? size(known) % size(to) === 0 || size(to) % size(known) === 0 : size(known) === size(to))
    if (!ok) throw new Error(`reshape ${x} [${from}] -> [${shape}]: sizes differ`)
    return this.add({ op: 'reshape', x, shape }, shape, scope)
  }

  /** The first T (the run-time sequence length) entries of x along each of `axes`. */
  sliceSeq(scope: string, x: string, axes: number[]): string {
    const s = [...this.shape(x)]
    for (const a of axes) {
      if (!(s[a]! > 0)) throw new Error(`sliceSeq ${x}: axis ${a} is not a fixed size`)
      s[a] = DIM.seq
    }
    return this.add({ op: 'sliceSeq', x, axes }, s, scope)
  }

  unary(scope: string, op: 'softmax' | 'sigmoid' | 'elu' | 'rsqrt' | 'erf', x: string): string {
    return this.add({ op, x }, this.shape(x), scope)
  }

  reduce(scope: string, op: 'mean' | 'sum', x: string, axes: number[], keepDims: boolean): string {
    const s = this.shape(x)
    const out = keepDims ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i))
    return this.add({ op, x, axes, keepDims }, out, scope)
  }

  slice(scope: string, x: string, axis: number, start: number, end: number): string {
    const s = [...this.shape(x)]
    if (s[axis]! > 0 && (end > s[axis]! || start < 0 || start >= end)) throw new Error(`slice ${x} axis ${axis}: [${start}, ${end}) outside ${s[axis]}`)
    s[axis] = end - start
    return this.add({ op: 'slice', x, axis, start, end }, s, scope)
  }

  concat(scope: string, xs: string[], axis: number): string {
    const s = [...this.shape(xs[0])]
    s[axis] = xs.reduce((n, x) => n + this.shape(x)[axis], 0)
    return this.add({ op: 'concat', xs, axis }, s, scope)
  }
}

/** Numpy-style broadcast of two shapes (a symbolic dimension only matches itself or 1). */
function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1
    const y = b[b.length - n + i] ?? 1
    if (x !== y && x !== 1 && y !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`)
    out.push(x === 1 ? y : x)
  }
  return out
}

/**
 * How a writer builds a reshape's target: a constant when at most one dimension is unknown, else pieces
 * joined at run time (the batch and the length read from the ids input's shape, -1 for the inferred one).
 */
export function reshapeTarget(shape: number[]): { fixed: number[] } | { pieces: ('batch' | 'seq' | number)[] } {
  const dynamic = shape.includes(DIM.seq) || (shape.includes(DIM.batch) && shape.includes(DIM.rest))
  if (!dynamic) return { fixed: shape.map((d) => (d === DIM.rest ? -1 : d)) }
  return { pieces: shape.map((d) => (d === DIM.batch ? 'batch' : d === DIM.seq ? 'seq' : d === DIM.rest ? -1 : d)) }
}

/** Names a node reads. */
export function operands(d: IrOp): string[] {
  switch (d.op) {
    case 'gather':
      return [d.table, d.ids]
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'max':
    case 'matmul':
      return [d.a, d.b]
    case 'concat':
      return d.xs
    default:
      return [d.x]
  }
}
