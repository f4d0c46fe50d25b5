import * as tf from '@tensorflow/tfjs-core'
import { loadGraphModel } from '@tensorflow/tfjs-converter'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { toOnnx } from '../../../../src/main/engine/export/onnx'
import { toTfjsGraphModel } from '../../../../src/main/engine/export/tfjs-graph'
import { traceTableClassifier } from '../../../../src/main/engine/export/trace-table'
import { buildModel } from '../../../../src/main/engine/models'
import { readParams } from '../../../../src/main/engine/params'
import { predictTableRows } from '../../../../src/main/engine/predict-table'
import { resolveConfig } from '../../../../src/shared/config'
import { tableDims } from '../../../../src/shared/models'
import { guessTableColumns } from '../../../../src/shared/table-guess'
import { tableGraphInputs } from '../../../../src/shared/table-inputs'
import { fitTablePrep, tableColumnsOf } from '../../../../src/shared/table-prep'
import { tinyTable } from '../../../helpers/tiny-table'

beforeAll(async () => {
  await initBackend(['wasm', 'cpu'])
})

describe('the table encoder traced for export', () => {
  it('gives the engine probabilities through the tfjs graph and ONNX, missing and unseen cells included', async () => {
    const t = tinyTable(60, 4)
    const prep = fitTablePrep(guessTableColumns(t.columns, t.rows), t.rows)
    const spec = { dims: tableDims(resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 2 } }).model, tableColumnsOf(prep)), head: 'classify' as const, nClasses: 2, lora: null }
    const model = buildModel(spec, 7)
    const rows = [...t.rows.slice(0, 6), { width: '', height: '1e9', colour: 'purple' }, { width: 'abc', height: '3', colour: '' }]
    const app = predictTableRows(model, prep, rows).probs
    const weights = await readParams(model.params)
    const traced = traceTableClassifier(spec, weights)
    const inputs = tableGraphInputs(prep, rows)

    const { modelJson, weights: bin } = toTfjsGraphModel(traced.graph, 'test', {})
    const graph = await loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }))
    const ids = tf.tensor(inputs.ids, [inputs.B, 1 + inputs.F], 'int32')
    const values = tf.tensor(inputs.values, [inputs.B, inputs.Fn], 'float32')
    const out = graph.execute({ ids, values }, 'probabilities') as tf.Tensor
    const got = (await out.array()) as number[][]
    tf.dispose([ids, values, out])
    expect(got).toHaveLength(8)
    got.forEach((p, i) => p.forEach((v, c) => expect(Math.abs(v - app[i]![c]!)).toBeLessThan(1e-5)))

    const ort = await import('onnxruntime-node')
    const session = await ort.InferenceSession.create(toOnnx(traced.graph, { producerVersion: 'test', docString: '', metadata: {} }))
    const res = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from(inputs.ids, (v) => BigInt(v)), [inputs.B, 1 + inputs.F]), values: new ort.Tensor('float32', inputs.values, [inputs.B, inputs.Fn]) }, ['probabilities'])
    const onnx = res.probabilities!.data as Float32Array
    app.forEach((p, i) => p.forEach((v, c) => expect(Math.abs(onnx[i * 2 + c]! - v)).toBeLessThan(1e-5)))
    await session.release()
    for (const v of model.params.values()) v.dispose()
  })
})
