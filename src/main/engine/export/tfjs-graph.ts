// Writes the neutral graph as a TensorFlow.js graph model: model.json holds a GraphDef (as JSON) of
// standard TensorFlow ops and a weights manifest; every constant, the model's weights included, is a
// Const node whose value is read from the weights file by name. Plain @tensorflow/tfjs loads it with
// tf.loadGraphModel and needs no custom op or layer code.
import { reshapeTarget, type GraphBuilder, type IrConst, type IrDType } from './graph-ir'

/** The weights file every exported graph model uses (one shard). */
export const tfjsWeightsFile = 'group1-shard1of1.bin'

type Attr = Record<string, unknown>
interface GraphNode {
  name: string
  op: string
  input?: string[]
  attr?: Attr
}

/** A graph model's model.json, as tf.io.ModelArtifacts-compatible JSON. */
export interface TfjsGraphModelJson {
  format: 'graph-model'
  generatedBy: string
  convertedBy: string
  modelTopology: { node: GraphNode[]; library: Record<string, never>; versions: { producer: number } }
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: IrDType }[] }[]
  signature: { inputs: Record<string, SignatureEntry>; outputs: Record<string, SignatureEntry> }
  userDefinedMetadata?: Record<string, unknown>
}

interface SignatureEntry {
  name: string
  dtype: string
  tensorShape: { dim: { size: string }[] }
}

const tfType = (d: IrDType) => (d === 'int32' ? 'DT_INT32' : 'DT_FLOAT')
const T_FLOAT: Attr = { T: { type: 'DT_FLOAT' } }
const shapeAttr = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d < 0 ? -1 : d) })) })
const T_INT: Attr = { T: { type: 'DT_INT32' } }

/** Serialises a graph: model.json contents and the weights file bytes. */
export function toTfjsGraphModel(g: GraphBuilder, generatedBy: string, metadata: Record<string, unknown>): { modelJson: TfjsGraphModelJson; weights: Buffer } {
  const nodes: GraphNode[] = []
  const extra: IrConst[] = []
  let k = 0
  // Integer operands (axes, shapes, permutations) are constants too, as TensorFlow stores them.
  const intConst = (values: number[]) => {
    const name = `int/${k++}`
    extra.push({ name, shape: [values.length], dtype: 'int32', data: Int32Array.from(values), weight: false })
    return name
  }
  const scalarInt = (value: number) => {
    const name = `int/${k++}`
    extra.push({ name, shape: [], dtype: 'int32', data: Int32Array.of(value), weight: false })
    return name
  }

  // The run-time batch and length ([1] int32 each), read once from the first input's shape (or the graph's
  // dimsSource) when needed.
  let dims: { batch: string; seq: string } | null = null
  const runDims = () => {
    if (dims) return dims
    const src = g.dimsSource ?? g.inputs[0]!.name
    nodes.push({ name: 'dims/shape', op: 'Shape', input: [src], attr: { T: { type: tfType(g.dtype(src)) }, out_type: { type: 'DT_INT32' } } })
    nodes.push({ name: 'dims/batch', op: 'Slice', input: ['dims/shape', intConst([0]), intConst([1])], attr: { ...T_INT, Index: { type: 'DT_INT32' } } })
    nodes.push({ name: 'dims/seq', op: 'Slice', input: ['dims/shape', intConst([1]), intConst([1])], attr: { ...T_INT, Index: { type: 'DT_INT32' } } })
    return (dims = { batch: 'dims/batch', seq: 'dims/seq' })
  }
  // A shape operand joined at run time from constants and the run-time dimensions.
  const joined = (name: string, pieces: ('batch' | 'seq' | number)[]) => {
    const parts = pieces.map((p) => (p === 'batch' ? runDims().batch : p === 'seq' ? runDims().seq : intConst([p])))
    nodes.push({ name, op: 'ConcatV2', input: [...parts, scalarInt(0)], attr: { ...T_INT, N: { i: String(parts.length) }, Tidx: { type: 'DT_INT32' } } })
    return name
  }

  for (const v of g.inputs) {
    nodes.push({ name: v.name, op: 'Placeholder', attr: { dtype: { type: tfType(v.dtype) }, shape: { shape: shapeAttr(v.shape) } } })
  }
  for (const n of g.nodes) {
    const d = n.def
    switch (d.op) {
      case 'gather':
        nodes.push({ name: n.name, op: 'GatherV2', input: [d.table, d.ids, scalarInt(0)], attr: { batch_dims: { i: '0' }, Tparams: { type: 'DT_FLOAT' }, Tindices: { type: 'DT_INT32' } } })
        break
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'max': {
        const op = { add: 'AddV2', sub: 'Sub', mul: 'Mul', div: 'RealDiv', max: 'Maximum' }[d.op]
        nodes.push({ name: n.name, op, input: [d.a, d.b], attr: T_FLOAT })
        break
      }
      case 'matmul': {
        const rank = n.shape.length
        nodes.push(
          rank === 2
            ? { name: n.name, op: 'MatMul', input: [d.a, d.b], attr: { ...T_FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } }
            : { name: n.name, op: 'BatchMatMulV2', input: [d.a, d.b], attr: { ...T_FLOAT, adj_x: { b: false }, adj_y: { b: false } } },
        )
        break
      }
      case 'transpose':
        nodes.push({ name: n.name, op: 'Transpose', input: [d.x, intConst(d.perm)], attr: { ...T_FLOAT, Tperm: { type: 'DT_INT32' } } })
        break
      case 'reshape': {
        const target = reshapeTarget(d.shape)
        const shape = 'fixed' in target ? intConst(target.fixed) : joined(`${n.name}/shape`, target.pieces)
        nodes.push({ name: n.name, op: 'Reshape', input: [d.x, shape], attr: { ...T_FLOAT, Tshape: { type: 'DT_INT32' } } })
        break
      }
      case 'sliceSeq': {
        const rank = g.shape(d.x).length
        const size = joined(`${n.name}/size`, Array.from({ length: rank }, (_, i) => (d.axes.includes(i) ? 'seq' : -1)))
        nodes.push({ name: n.name, op: 'Slice', input: [d.x, intConst(new Array<number>(rank).fill(0)), size], attr: { ...T_FLOAT, Index: { type: 'DT_INT32' } } })
        break
      }
      case 'softmax':
      case 'sigmoid':
      case 'elu':
      case 'erf':
      case 'rsqrt': {
        const op = { softmax: 'Softmax', sigmoid: 'Sigmoid', elu: 'Elu', rsqrt: 'Rsqrt', erf: 'Erf' }[d.op]
        nodes.push({ name: n.name, op, input: [d.x], attr: T_FLOAT })
        break
      }
      case 'mean':
      case 'sum':
        nodes.push({ name: n.name, op: d.op === 'mean' ? 'Mean' : 'Sum', input: [d.x, intConst(d.axes)], attr: { ...T_FLOAT, Tidx: { type: 'DT_INT32' }, keep_dims: { b: d.keepDims } } })
        break
      case 'slice': {
        const rank = g.shape(d.x).length
        const begin = new Array<number>(rank).fill(0)
        const size = new Array<number>(rank).fill(-1)
        begin[d.axis] = d.start
        size[d.axis] = d.end - d.start
        nodes.push({ name: n.name, op: 'Slice', input: [d.x, intConst(begin), intConst(size)], attr: { ...T_FLOAT, Index: { type: 'DT_INT32' } } })
        break
      }
      case 'concat':
        nodes.push({ name: n.name, op: 'ConcatV2', input: [...d.xs, scalarInt(d.axis)], attr: { ...T_FLOAT, N: { i: String(d.xs.length) }, Tidx: { type: 'DT_INT32' } } })
        break
    }
  }
  for (const o of g.outputs) nodes.push({ name: o.name, op: 'Identity', input: [o.source], attr: T_FLOAT })

  const consts = [...g.consts.values(), ...extra]
  for (const c of consts) {
    nodes.unshift({ name: c.name, op: 'Const', attr: { dtype: { type: tfType(c.dtype) }, value: { tensor: { dtype: tfType(c.dtype), tensorShape: shapeAttr(c.shape) } } } })
  }
  const weights = Buffer.alloc(consts.reduce((n, c) => n + c.data.byteLength, 0))
  let offset = 0
  for (const c of consts) {
    Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength).copy(weights, offset)
    offset += c.data.byteLength
  }
  const entry = (v: { name: string; shape: number[]; dtype: IrDType }): SignatureEntry => ({ name: `${v.name}:0`, dtype: tfType(v.dtype), tensorShape: shapeAttr(v.shape) })
  return {
    modelJson: {
      format: 'graph-model',
      generatedBy,
      convertedBy: 'Attention Workbench exporter',
      modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [{ paths: [tfjsWeightsFile], weights: consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.dtype })) }],
      signature: {
        inputs: Object.fromEntries(g.inputs.map((v) => [v.name, entry(v)])),
        outputs: Object.fromEntries(g.outputs.map((v) => [v.name, entry(v)])),
      },
      userDefinedMetadata: metadata,
    },
    weights,
  }
}
