// An image run exported: tfjs graph + ONNX + zip verified against the app on the test images, the image prep in
// preprocessing.json, predict.mjs in a separate Node process taking pixels as JSON (only tfjs installed) and
// image files (with sharp installed), and the bundle read back into a model folder that predicts like the run.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkImageBytes, imagePixels } from '../../../../src/main/data/image-decode'
import { initBackend } from '../../../../src/main/engine'
import { exportModel, parseBundle, readBundleSource } from '../../../../src/main/engine/export'
import { saveModelFolder } from '../../../../src/main/engine/model-folder'
import { loadModel, type LoadedModel } from '../../../../src/main/engine/predict'
import { predictImages } from '../../../../src/main/engine/predict-image'
import { Rng } from '../../../../src/main/engine/rng'
import { predictImageUrls } from '../../../../src/main/trainer/image-predict'
import { blockImage } from '../../../helpers/tiny-images'
import { modelDirOf, trainTinyVit } from '../../../helpers/tiny-vit'

const root = mkdtempSync(join(tmpdir(), 'wb-image-export-'))
const runDir = join(root, 'run')
const outDir = join(root, 'bundle')
const projectModules = resolve(__dirname, '../../../../node_modules')
let model: LoadedModel
let files: string[]
let test: Uint8Array[]
let verification: Awaited<ReturnType<typeof exportModel>>['verification']

beforeAll(async () => {
  await initBackend(['wasm', 'cpu'])
  ;({ test } = await trainTinyVit(runDir))
  const res = await exportModel({ modelDir: modelDirOf(runDir), outDir, formats: ['tfjs', 'onnx', 'zip'], data: null, card: { runName: 'blocks' }, images: test })
  verification = res.verification
  expect(verification.ok, JSON.stringify(verification)).toBe(true)
  files = res.files
  model = await loadModel(modelDirOf(runDir))
}, 120_000)

afterAll(() => {
  model?.dispose()
  rmSync(root, { recursive: true, force: true })
})

/** A folder with the bundle's files and the given packages linked into node_modules. */
function bundleCopy(packages: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-predict-image-'))
  for (const f of files) if (!f.endsWith('.zip') && !f.endsWith('.onnx')) copyFileSync(join(outDir, f), join(dir, f))
  mkdirSync(join(dir, 'node_modules'))
  for (const p of packages) symlinkSync(join(projectModules, p), join(dir, 'node_modules', p), 'dir')
  return dir
}

const predict = (dir: string, args: string[]) => spawnSync(process.execPath, ['predict.mjs', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir }, encoding: 'utf8', timeout: 60_000 })

describe('exporting an image run', () => {
  it('verifies every format on the check and test images and ships the image prep', () => {
    expect(Object.keys(verification.formats).sort()).toEqual(['onnx', 'tfjs', 'zip'])
    expect(verification.rows).toBe(6 + test.length) // the generated check images, then the test images
    const pre = JSON.parse(readFileSync(join(outDir, 'preprocessing.json'), 'utf8')) as { image: Record<string, unknown> }
    expect(pre.image).toEqual({ size: 16, channels: 3, patch: 2, input: 'pixels', resize: 'centre-crop-then-resize', range: [0, 255], layout: 'rows, columns, channels' })
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('type="file"')
    const card = readFileSync(join(outDir, 'MODEL_CARD.md'), 'utf8')
    expect(card).toMatch(/^An image classifier exported/m)
    expect(card).toContain('npm install sharp')
    expect(card).toContain('| image | 16 x 16, colour, 2 x 2 patches |')
  })

  it('predict.mjs takes pixels as JSON with only tfjs installed, and says how to read image files', () => {
    const dir = bundleCopy(['@tensorflow'])
    try {
      const app = predictImages(model, test.slice(0, 3), { attention: false })
      writeFileSync(join(dir, 'one.json'), JSON.stringify(Array.from(test[2]!)))
      const run = predict(dir, ['--json', JSON.stringify(Array.from(test[0]!)), JSON.stringify(Array.from(test[1]!)), 'one.json'])
      expect(run.stderr).toBe('')
      const out = JSON.parse(run.stdout) as { label: string; probabilities: Record<string, number> }[]
      expect(out.map((o) => o.label)).toEqual(app.map((a) => a.label))
      out.forEach((o, i) => model.labels.forEach((l) => expect(Math.abs(o.probabilities[l]! - app[i]!.probabilities[l]!)).toBeLessThanOrEqual(1e-4)))
      expect(predict(dir, ['--check']).stdout).toMatch(/^OK: 6 check inputs/)
      const png = predict(dir, ['photo.png'])
      expect(png.status).toBe(1)
      expect(png.stderr).toMatch(/needs the sharp package: run `npm install sharp`/)
      expect(predict(dir, ['[1, 2, 3]']).stderr).toMatch(/should be a list of 768 numbers 0..255 .* it has 3/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('predict.mjs reads PNG and JPEG files with sharp, prepared like the app prepares them', async () => {
    const dir = bundleCopy(['@tensorflow', 'sharp', '@img', 'detect-libc', 'semver'])
    try {
      const rng = new Rng(4)
      const names = ['a.png', 'b.jpg']
      writeFileSync(join(dir, names[0]!), await blockImage(true, 40, rng, 'png'))
      writeFileSync(join(dir, names[1]!), await blockImage(false, 24, rng, 'jpeg'))
      const pixels = await Promise.all(names.map(async (n) => imagePixels(await checkImageBytes(readFileSync(join(dir, n)), n), 16, 3)))
      const app = predictImages(model, pixels, { attention: false })
      const run = predict(dir, ['--json', ...names])
      expect(run.stderr).toBe('')
      const out = JSON.parse(run.stdout) as { image: string; label: string; probabilities: Record<string, number> }[]
      expect(out.map((o) => o.image)).toEqual(names)
      out.forEach((o, i) => model.labels.forEach((l) => expect(Math.abs(o.probabilities[l]! - app[i]!.probabilities[l]!)).toBeLessThanOrEqual(1e-4)))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the .zip reads back into a model folder that reproduces the bundle checks', async () => {
    const bundle = parseBundle(await readBundleSource(join(outDir, 'model-bundle.zip')))
    expect(bundle.meta.spec.dims.image).toEqual({ size: 16, channels: 3, patch: 2 })
    const dir = join(root, 'imported')
    saveModelFolder(dir, { task: bundle.meta.task, config: bundle.meta.config, spec: bundle.meta.spec, labels: bundle.meta.labels, tokenizer: bundle.runtime.tokenizer, training: bundle.meta.training }, bundle.weights)
    const imported = await loadModel(dir)
    try {
      const preds = await predictImageUrls(imported, bundle.checks.texts, false)
      preds.forEach((p, i) => bundle.meta.labels.forEach((l, c) => expect(Math.abs(p.probabilities[l]! - bundle.checks.probabilities[i]![c]!)).toBeLessThanOrEqual(1e-6)))
    } finally {
      imported.dispose()
    }
  })

  it('the demo page takes an image file and predicts like the app, offline', async () => {
    // A picture already at the model's size: the canvas crop and resize leave its pixels as they are.
    const png = join(root, 'pick.png')
    writeFileSync(png, await blockImage(false, 16, new Rng(11), 'png'))
    const [app] = predictImages(model, [await imagePixels(await checkImageBytes(readFileSync(png), 'pick.png'), 16, 3)], { attention: false })
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(pathToFileURL(join(outDir, 'index.html')).href)
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
      await page.setInputFiles('#image', png)
      await page.waitForSelector('#result[data-label] #view', { timeout: 30_000 })
      expect(await page.getAttribute('#result', 'data-label')).toBe(app!.label)
      const got = JSON.parse((await page.getAttribute('#result', 'data-probabilities')) ?? '{}') as Record<string, number>
      for (const l of model.labels) expect(Math.abs(got[l]! - app!.probabilities[l]!)).toBeLessThanOrEqual(1e-4)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  }, 60_000)
})
