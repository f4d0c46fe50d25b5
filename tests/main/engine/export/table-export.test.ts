// A table run exported: tfjs graph + ONNX + predict.mjs + a demo page with a form of the columns, the prep
// (scaling, category lists) inside the bundle, verified against the app; predict.mjs runs in a separate
// Node process, the demo page offline in Chromium.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine'
import { exportModel } from '../../../../src/main/engine/export'
import { loadModel, predictTexts, type LoadedModel } from '../../../../src/main/engine/predict'
import { runTraining } from '../../../../src/main/engine/run-training'
import { resolveConfig } from '../../../../src/shared/config'
import { guessTableColumns } from '../../../../src/shared/table-guess'
import { tableRowJson } from '../../../../src/shared/table-rows'
import type { JobData } from '../../../../src/shared/trainer-protocol'
import { tinyTable } from '../../../helpers/tiny-table'

const root = mkdtempSync(join(tmpdir(), 'wb-table-export-'))
const runDir = join(root, 'run')
const outDir = join(root, 'bundle')
const projectModules = resolve(__dirname, '../../../../node_modules')
const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }
let data: JobData
let model: LoadedModel
let files: string[]

beforeAll(async () => {
  await initBackend(['wasm', 'cpu'])
  const t = tinyTable(240, 8)
  const columns = guessTableColumns(t.columns, t.rows)
  const labels = ['hi', 'lo']
  const part = (rows: typeof t.rows) => ({ texts: rows.map((r) => tableRowJson(columns, r)), labels: rows.map((r) => labels.indexOf(r.label!)), indices: rows.map((_, i) => i) })
  data = { labels, train: part(t.rows.slice(0, 180)), validation: part(t.rows.slice(180, 210)), test: part(t.rows.slice(210)), table: { columns } }
  const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 1 }, train: { epochs: 6, batchSize: 32, learningRate: 5e-3, seed: 2 } })
  await runTraining({ config, data, runDir, resume: false, initFrom: null }, quiet, new AbortController().signal)
  const res = await exportModel({ modelDir: join(runDir, 'model'), outDir, formats: ['tfjs', 'onnx', 'zip'], data, card: { runName: 'points' } })
  expect(res.verification.ok, JSON.stringify(res.verification)).toBe(true)
  files = res.files
  model = await loadModel(join(runDir, 'model'))
}, 120_000)

afterAll(() => {
  model?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('exporting a table run', () => {
  it('verifies every format on the validation rows and ships the prep', () => {
    const verification = JSON.parse(readFileSync(join(outDir, 'verification.json'), 'utf8')) as { ok: boolean; formats: Record<string, { ok: boolean }> }
    expect(Object.keys(verification.formats).sort()).toEqual(['onnx', 'tfjs', 'zip'])
    const pre = JSON.parse(readFileSync(join(outDir, 'preprocessing.json'), 'utf8')) as { table: { prep: { numeric: { name: string }[]; categorical: { values: string[] }[] }; values: string } }
    expect(pre.table.prep.numeric.map((c) => c.name)).toEqual(['width', 'height'])
    expect(pre.table.prep.categorical[0]!.values.sort()).toEqual(['blue', 'green', 'red'])
    expect(pre.table.values).toBe('values')
  })

  it('predict.mjs classifies rows given as JSON in a separate Node process, like the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-predict-table-'))
    try {
      for (const f of files) if (!f.endsWith('.zip') && !f.endsWith('.onnx')) copyFileSync(join(outDir, f), join(dir, f))
      mkdirSync(join(dir, 'node_modules'))
      symlinkSync(join(projectModules, '@tensorflow'), join(dir, 'node_modules', '@tensorflow'), 'dir')
      const rows = [...data.test!.texts.slice(0, 4), '{"width": "", "height": "7", "colour": "purple"}']
      const env = { PATH: process.env.PATH ?? '', HOME: dir }
      const run = spawnSync(process.execPath, ['predict.mjs', '--json', ...rows], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(run.stderr).toBe('')
      const out = JSON.parse(run.stdout) as { label: string; probabilities: Record<string, number> }[]
      const app = await predictTexts(model, rows, { attention: false })
      expect(out.map((o) => o.label)).toEqual(app.map((a) => a.label))
      out.forEach((o, i) => data.labels.forEach((l) => expect(Math.abs(o.probabilities[l]! - app[i]!.probabilities[l]!)).toBeLessThanOrEqual(1e-4)))
      const check = spawnSync(process.execPath, ['predict.mjs', '--check'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(check.stdout).toMatch(/^OK: 4 check inputs/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the demo page offers a form of the columns and predicts like the app, offline', async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(pathToFileURL(join(outDir, 'index.html')).href)
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
      await page.fill('#col-width', '80')
      await page.fill('#col-height', '15')
      await page.fill('#col-colour', 'blue')
      await page.waitForSelector('#result[data-label]', { timeout: 30_000 })
      await page.waitForTimeout(400)
      const [app] = await predictTexts(model, ['{"width":"80","height":"15","colour":"blue"}'], { attention: false })
      expect(await page.getAttribute('#result', 'data-label')).toBe(app!.label)
      const got = JSON.parse((await page.getAttribute('#result', 'data-probabilities')) ?? '{}') as Record<string, number>
      for (const l of data.labels) expect(Math.abs(got[l]! - app!.probabilities[l]!)).toBeLessThanOrEqual(1e-4)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  }, 60_000)
})
