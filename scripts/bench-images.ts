// Accuracy and time of the image encoder (ViT) per preset on scikit-learn's bundled handwritten digits (1,797
// grey 8 x 8 images, ten classes; Debian's python3-sklearn), written as PNG files in a folder per label and read
// back through the app's own decoder (enlarged to each preset's size). Each seed splits 70/15/15, stratified;
// the pixel logistic-regression baseline trains on the same split.
// Needs /usr/bin/python3 with scikit-learn (or set PYTHON). Usage: npm run bench:images [-- presets [seeds]]
// e.g. npm run bench:images -- quick,balanced 2. Timings on a shared machine are noisy: run it under `nice`
// on a quiet one, or repeat and take the median.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { imagePixels, readImageFile } from '../src/main/data/image-decode'
import { stratifiedSplit } from '../src/main/data/stratified-split'
import { initBackend } from '../src/main/engine/backend'
import { trainImageBaseline } from '../src/main/engine/baseline/image-logistic'
import { trainImages, type ImageSplit } from '../src/main/engine/train-image'
import { resolveConfig, type PresetName } from '../src/shared/config'
import { patchSizeFor } from '../src/shared/models'
import { sizeImagePreset } from '../src/shared/preset-sizing-image'

const chosen = (process.argv[2] ?? 'quick,balanced').split(',') as PresetName[]
const seeds = Number(process.argv[3] ?? 1)
const python = process.env.PYTHON ?? '/usr/bin/python3'
const tmp = mkdtempSync(join(tmpdir(), 'wb-images-'))
const dump = `
import sys, json, sklearn.datasets as d
b = d.load_digits()
json.dump({'images': [[int(round(v * 255 / 16)) for v in x] for x in b.data], 'labels': [int(y) for y in b.target]}, open(sys.argv[1], 'w'))
`
const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }
const pct = (x: number) => `${(100 * x).toFixed(1)}%`
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

try {
  execFileSync(python, ['-c', dump, join(tmp, 'digits.json')])
  const digits = JSON.parse(execFileSync('cat', [join(tmp, 'digits.json')], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { images: number[][]; labels: number[] }
  const root = join(tmp, 'digits')
  for (let i = 0; i < digits.images.length; i++) {
    const dir = join(root, String(digits.labels[i]))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${i}.png`), await sharp(Buffer.from(digits.images[i]!), { raw: { width: 8, height: 8, channels: 1 } }).png().toBuffer())
  }
  const labels = readdirSync(root).sort()
  const files = labels.flatMap((l, y) => readdirSync(join(root, l)).map((f) => ({ path: join(root, l, f), y })))
  const backend = await initBackend(['wasm'])
  console.log(`digits: ${files.length} images, ${labels.length} classes; backend ${backend.name}; ${seeds} seed(s)`)
  console.log('| preset | image | model | epochs | ViT test accuracy | pixel baseline | seconds (ViT) | images/s trained |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const preset of chosen) {
    // The preset as the app sizes it for an image set of this many training images (70%).
    const sized = sizeImagePreset(preset, Math.round(files.length * 0.7)).config
    const config0 = resolveConfig(preset, sized)
    const { size } = config0.image
    const decoded: Uint8Array[] = []
    for (const f of files) decoded.push(await imagePixels(await readImageFile(f.path), size, 1))
    const acc: number[] = []
    const base: number[] = []
    const secs: number[] = []
    let epochs = 0
    let seen = 0
    for (let seed = 1; seed <= seeds; seed++) {
      const codes = stratifiedSplit(files.map((f) => f.y), { train: 0.7, validation: 0.15, test: 0.15, seed })
      const pick = (c: number): ImageSplit => ({ pixels: decoded.filter((_, i) => codes[i] === c), labels: files.filter((_, i) => codes[i] === c).map((f) => f.y) })
      const splits = { labels, train: pick(1), validation: pick(2), test: pick(3) }
      const config = resolveConfig(preset, sized, { image: { channels: 1 }, train: { seed } })
      const t0 = performance.now()
      const r = await trainImages(splits, config, quiet, new AbortController().signal)
      secs.push((performance.now() - t0) / 1000)
      epochs = r.loop.epochsRun
      seen += r.loop.epochsRun * splits.train.pixels.length
      acc.push(r.test!.accuracy)
      for (const v of r.model.params.values()) v.dispose()
      base.push(trainImageBaseline(splits, size, 1).metrics.accuracy)
    }
    const m = config0.model
    console.log(
      `| ${preset} | ${size} px, ${patchSizeFor(size)} px patches | dModel ${m.dModel}, ${m.nLayers} layer(s), ${m.nHeads} heads | ${epochs} of ${config0.train.epochs} | ${pct(mean(acc))} (${acc.map(pct).join(', ')}) | ${pct(mean(base))} | ${mean(secs).toFixed(0)} | ${(seen / secs.reduce((a, b) => a + b, 0)).toFixed(0)} |`,
    )
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
