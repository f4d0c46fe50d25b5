// Image export benchmark: per image preset (as sized for 500 training images), a colour ViT trained one epoch
// (16 steps) on a synthetic block task so its attention is not uniform, exported to every format and verified
// on the six generated check images and 200 held-out images. Prints one JSON line per preset: parameters, the
// check's largest probability difference per format, file sizes in bytes, export + verify time (noisy on a
// shared machine). Usage: npm run bench:export-image [-- quick,balanced,thorough]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src/main/engine'
import { exportModel } from '../src/main/engine/export'
import { Rng } from '../src/main/engine/rng'
import { runImageTraining } from '../src/main/engine/run-image-training'
import { resolveConfig, type PresetName } from '../src/shared/config'
import { patchSizeFor } from '../src/shared/models'
import { sizeImagePreset } from '../src/shared/preset-sizing-image'

const chosen = (process.argv[2] ?? 'quick,balanced,thorough').split(',') as PresetName[]
const backend = await initBackend(['wasm', 'cpu'])
const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

/** n colour images S x S: noise with a bright square in the top (label 0) or bottom (label 1) half. */
function blocks(n: number, S: number, seed: number): { pixels: Uint8Array[]; labels: number[] } {
  const rng = new Rng(seed)
  const pixels = Array.from({ length: n }, (_, k) => {
    const px = Uint8Array.from({ length: S * S * 3 }, () => Math.floor(rng.next() * 60))
    const b = Math.floor(S / 4)
    const y = k % 2 === 0 ? Math.floor(rng.next() * (S / 2 - b)) : S / 2 + Math.floor(rng.next() * (S / 2 - b))
    const x = Math.floor(rng.next() * (S - b))
    for (let r = y; r < y + b; r++) for (let c = x; c < x + b; c++) px.set([240, 230, 220], (r * S + c) * 3)
    return px
  })
  return { pixels, labels: pixels.map((_, k) => k % 2) }
}

for (const preset of chosen) {
  const sized = sizeImagePreset(preset, 500).config
  const config = resolveConfig(preset, sized, { image: { channels: 3 }, train: { epochs: 1, batchSize: 32, patience: 0, seed: 1, workers: 1 } })
  const S = config.image.size
  const [train, validation, test] = [blocks(512, S, 1), blocks(64, S, 2), blocks(200, S, 3)]
  const rows = (s: { labels: number[] }) => ({ texts: s.labels.map((_, i) => `${i}.png`), labels: s.labels, indices: s.labels.map((_, i) => i) })
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-image-'))
  try {
    const data = { labels: ['top', 'bottom'], train: rows(train), validation: rows(validation), test: rows(test) }
    await runImageTraining({ config, data, runDir: dir, pixels: { train: train.pixels, validation: validation.pixels, test: test.pixels } }, quiet, new AbortController().signal)
    const t0 = performance.now()
    const res = await exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs', 'onnx', 'zip'], data: null, card: { runName: preset }, images: test.pixels })
    const ms = performance.now() - t0
    const size = (f: string) => statSync(join(dir, 'out', f)).size
    const folder = readdirSync(join(dir, 'out')).filter((f) => f !== 'model-bundle.zip' && f !== 'model.onnx').reduce((n, f) => n + size(f), 0)
    process.stdout.write(
      JSON.stringify({
        preset,
        backend: backend.name,
        image: `${S} x ${S} x 3, patch ${patchSizeFor(S)}`,
        model: `dModel ${config.model.dModel}, ${config.model.nLayers} block(s), ${config.model.nHeads} heads`,
        ok: res.verification.ok,
        rows: res.verification.rows,
        per_format: Object.fromEntries(Object.entries(res.verification.formats).map(([k, v]) => [k, v.maxProbDiff])),
        weights_bytes: size('group1-shard1of1.bin'),
        onnx_bytes: size('model.onnx'),
        bundle_folder_bytes: folder,
        zip_bytes: size('model-bundle.zip'),
        export_and_verify_ms: Math.round(ms),
      }) + '\n',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
