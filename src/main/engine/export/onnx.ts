// Writes the neutral graph as an ONNX model (opset 17, IR version 8): standard ops only, weights as
// initializers under their engine names, ids as int64 [batch, sequence] and mask as float32 (sequence:
// any length up to the model's maximum).
import { DIM, reshapeTarget, type GraphBuilder } from './graph-ir'
import { onnxAttrTypes, onnxModelType, onnxTypes } from './onnx-schema'

/** The opset the exported models declare. */
export const onnxOpset = 17

interface Attr {
  name: string
  type: number
  f?: number
  i?: number
  ints?: number[]
}
interface Node {
  name: string
  op_type: string
  input: string[]
  output: string[]
  attribute?: Attr[]
}
interface Tensor {
  name: string
  dims: number[]
  data_type: number
  raw_data: Uint8Array
}

const int = (name: string, i: number): Attr => ({ name, type: onnxAttrTypes.INT, i })
const ints = (name: string, v: number[]): Attr => ({ name, type: onnxAttrTypes.INTS, ints: v })
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

/** Serialises a graph to ONNX bytes. */
export function toOnnx(g: GraphBuilder, meta: { producerVersion: string; docString: string; metadata: Record<string, string> }): Uint8Array {
  const nodes: Node[] = []
  const init: Tensor[] = []
  let k = 0
  const i64 = (values: number[]) => {
    const name = `int64/${k++}`
    init.push({ name, dims: [values.length], data_type: onnxTypes.INT64, raw_data: bytesOf(BigInt64Array.from(values.map(BigInt))) })
    return name
  }
  const node = (name: string, op_type: string, input: string[], attribute?: Attr[], output = [name]) => nodes.push({ name, op_type, input, output, attribute })
  // The run-time batch and length ([1] int64 each), read once from the first input's shape (or the graph's
  // dimsSource) when needed.
  let dims: { batch: string; seq: string } | null = null
  const runDims = () => {
    if (dims) return dims
    node('dims/shape', 'Shape', [g.dimsSource ?? g.inputs[0]!.name])
    node('dims/batch', 'Slice', ['dims/shape', i64([0]), i64([1])])
    node('dims/seq', 'Slice', ['dims/shape', i64([1]), i64([2])])
    return (dims = { batch: 'dims/batch', seq: 'dims/seq' })
  }
  const joined = (name: string, pieces: ('batch' | 'seq' | number)[]) => {
    node(name, 'Concat', pieces.map((p) => (p === 'batch' ? runDims().batch : p === 'seq' ? runDims().seq : i64([p]))), [int('axis', 0)])
    return name
  }

  for (const c of g.consts.values()) {
    init.push({ name: c.name, dims: c.shape, data_type: c.dtype === 'int32' ? onnxTypes.INT32 : onnxTypes.FLOAT, raw_data: bytesOf(c.data) })
  }
  for (const n of g.nodes) {
    const d = n.def
    switch (d.op) {
      case 'gather':
        node(n.name, 'Gather', [d.table, d.ids], [int('axis', 0)])
        break
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'max':
        node(n.name, { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', max: 'Max' }[d.op], [d.a, d.b])
        break
      case 'matmul':
        node(n.name, 'MatMul', [d.a, d.b])
        break
      case 'transpose':
        node(n.name, 'Transpose', [d.x], [ints('perm', d.perm)])
        break
      case 'reshape': {
        const target = reshapeTarget(d.shape)
        node(n.name, 'Reshape', [d.x, 'fixed' in target ? i64(target.fixed) : joined(`${n.name}/shape`, target.pieces)])
        break
      }
      case 'sliceSeq':
        node(n.name, 'Slice', [d.x, i64(d.axes.map(() => 0)), joined(`${n.name}/ends`, d.axes.map(() => 'seq')), i64(d.axes)])
        break
      case 'softmax':
        node(n.name, 'Softmax', [d.x], [int('axis', -1)])
        break
      case 'sigmoid':
        node(n.name, 'Sigmoid', [d.x])
        break
      case 'erf':
        node(n.name, 'Erf', [d.x])
        break
      case 'elu':
        node(n.name, 'Elu', [d.x], [{ name: 'alpha', type: onnxAttrTypes.FLOAT, f: 1 }])
        break
      case 'rsqrt':
        node(`${n.name}/sqrt`, 'Sqrt', [d.x])
        node(n.name, 'Reciprocal', [`${n.name}/sqrt`])
        break
      case 'mean':
        node(n.name, 'ReduceMean', [d.x], [ints('axes', d.axes), int('keepdims', d.keepDims ? 1 : 0)])
        break
      case 'sum':
        node(n.name, 'ReduceSum', [d.x, i64(d.axes)], [int('keepdims', d.keepDims ? 1 : 0)])
        break
      case 'slice':
        node(n.name, 'Slice', [d.x, i64([d.start]), i64([d.end]), i64([d.axis])])
        break
      case 'concat':
        node(n.name, 'Concat', d.xs, [int('axis', d.axis)])
        break
    }
  }
  for (const o of g.outputs) node(`${o.name}/identity`, 'Identity', [o.source], undefined, [o.name])

  const valueInfo = (v: { name: string; shape: number[] }, elem: number) => ({
    name: v.name,
    type: { tensor_type: { elem_type: elem, shape: { dim: v.shape.map((d) => (d === DIM.batch ? { dim_param: 'batch' } : d === DIM.seq ? { dim_param: 'sequence' } : d < 0 ? { dim_param: 'rest' } : { dim_value: d })) } } },
  })
  const model = {
    ir_version: 8,
    opset_import: [{ domain: '', version: onnxOpset }],
    producer_name: 'Attention Workbench',
    producer_version: meta.producerVersion,
    doc_string: meta.docString,
    graph: {
      name: 'classifier',
      node: nodes,
      initializer: init,
      input: g.inputs.map((v) => valueInfo(v, v.dtype === 'int32' ? onnxTypes.INT64 : onnxTypes.FLOAT)),
      output: g.outputs.map((v) => valueInfo(v, onnxTypes.FLOAT)),
    },
    metadata_props: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
  }
  const type = onnxModelType()
  return type.encode(type.fromObject(model)).finish()
}
