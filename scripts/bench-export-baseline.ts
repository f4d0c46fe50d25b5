// Export benchmark for the classic baseline: on each public data set (up to `rows` rows, 70/15/15
// split) the TF-IDF + logistic-regression baseline is trained as beside a run, exported to every
// format and verified on the test rows. Prints one JSON line per set: features, sizes in bytes, the
// check's largest probability difference per format, times.
// Usage: npm run bench:export-baseline [-- rows]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src/main/engine'
import { baselineFile, trainBaselineBeside } from '../src/main/engine/baseline/beside-run'
import { exportBaseline } from '../src/main/engine/export'
import { allSets, splitSet } from './lib/public-datasets'

const rows = Number(process.argv[2] ?? 3000)
const backend = await initBackend()
for (const set of allSets(rows)) {
  const data = splitSet(set)
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-baseline-'))
  try {
    const t0 = performance.now()
    const metrics = trainBaselineBeside(data, dir, { onLog: () => {} })
    const trainMs = performance.now() - t0
    const out = join(dir, 'out')
    const t1 = performance.now()
    const res = await exportBaseline({ baselinePath: join(dir, baselineFile), outDir: out, formats: ['tfjs', 'onnx', 'zip'], data, card: { runName: set.name, metrics: { baseline: metrics } } })
    const exportMs = performance.now() - t1
    const size = (f: string) => statSync(join(out, f)).size
    const folder = readdirSync(out).filter((f) => f !== 'model-bundle.zip' && f !== 'model.onnx').reduce((n, f) => n + size(f), 0)
    process.stdout.write(
      JSON.stringify({
        set: set.name,
        backend: backend.name,
        classes: data.labels.length,
        features: metrics?.features,
        test_accuracy: metrics?.accuracy,
        ok: res.verification.ok,
        rows_checked: res.verification.rows,
        per_format: Object.fromEntries(Object.entries(res.verification.formats).map(([k, v]) => [k, { maxProbDiff: v.maxProbDiff, labelMismatches: v.labelMismatches }])),
        vectorizer_bytes: size('vectorizer.json'),
        weights_bytes: size('group1-shard1of1.bin'),
        model_data_js_bytes: size('model-data.js'),
        bundle_folder_bytes: folder,
        onnx_bytes: size('model.onnx'),
        zip_bytes: size('model-bundle.zip'),
        train_ms: Math.round(trainMs),
        export_and_verify_ms: Math.round(exportMs),
      }) + '\n',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
