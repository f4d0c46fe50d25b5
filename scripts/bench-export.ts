// Export benchmark: the engine's reference model size (vocab 8000, seqLen 128, dModel 128, 4 heads,
// 2 blocks, ffn 512, 4 classes; seeded, untrained) exported to every format and verified on 200
// texts. Prints one JSON object: sizes in bytes, the check's largest probability difference, times.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveConfig } from '../src/shared/config'
import { initBackend } from '../src/main/engine'
import { exportModel } from '../src/main/engine/export'
import { saveModelFolder } from '../src/main/engine/model-folder'
import { buildModel, resolveDims } from '../src/main/engine/models'
import { readParams } from '../src/main/engine/params'
import { trainTokenizer } from '../src/main/engine/tokenizers'

const backend = await initBackend()
const words = Array.from({ length: 9000 }, (_, i) => `w${i.toString(36)}`)
const text = (i: number, n: number) => Array.from({ length: n }, (_, j) => words[(i * 7919 + j * 104729) % words.length]).join(' ')
const texts = Array.from({ length: 2000 }, (_, i) => text(i, 40 + (i % 90)))
const config = resolveConfig(null, { model: { dModel: 128, nHeads: 4, nLayers: 2, ffnDim: 512, seqLen: 128 }, tokenizer: { kind: 'word', vocabSize: 8000 } })
const tok = trainTokenizer(config.tokenizer, texts)
const spec = { dims: resolveDims(config.model, tok.vocabSize), head: 'classify' as const, nClasses: 4, lora: null }
const model = buildModel(spec, 1)
const dir = mkdtempSync(join(tmpdir(), 'bench-export-'))
saveModelFolder(join(dir, 'model'), { task: 'classify', config, spec, labels: ['a', 'b', 'c', 'd'], tokenizer: tok.toJSON(), training: { bestEpoch: 0, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } }, await readParams(model.params))
const val = texts.slice(0, 200)
const t0 = performance.now()
const res = await exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs', 'onnx', 'zip'], data: { labels: ['a', 'b', 'c', 'd'], train: { texts: [], labels: [] }, validation: { texts: val, labels: val.map(() => 0), indices: val.map((_, i) => i) } }, card: { runName: 'bench' } })
const exportMs = performance.now() - t0
const size = (f: string) => statSync(join(dir, 'out', f)).size
const all = readdirSync(join(dir, 'out'))
const folder = all.filter((f) => f !== 'model-bundle.zip' && f !== 'model.onnx').reduce((n, f) => n + size(f), 0)
process.stdout.write(
  JSON.stringify({
    backend: backend.name,
    vocab: tok.vocabSize,
    parameters: [...model.params.values()].reduce((n, v) => n + v.size, 0),
    ok: res.verification.ok,
    rows: res.verification.rows,
    max_prob_diff: res.verification.maxProbDiff,
    per_format: Object.fromEntries(Object.entries(res.verification.formats).map(([k, v]) => [k, v.maxProbDiff])),
    bundle_folder_bytes: folder,
    tf_min_js_bytes: size('tf.min.js'),
    weights_bytes: size('group1-shard1of1.bin'),
    model_data_js_bytes: size('model-data.js'),
    onnx_bytes: size('model.onnx'),
    zip_bytes: size('model-bundle.zip'),
    export_and_verify_ms: Math.round(exportMs),
  }) + '\n',
)
rmSync(dir, { recursive: true, force: true })
