// Desktop smoke test: the real Electron app under a virtual display (Xvfb) opens its window,
// imports a file through the preload bridge (IPC), shows it, and quits. Electron downloads its
// binary lazily (npm start fetches it); where it is absent this test is skipped and says why.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchApi } from '../../src/shared/api'
import { root, screenshotDir } from './web-app'

/** Electron's executable as its own package would start it, when it has been downloaded. */
function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron')
  try {
    const path = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim())
    return existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const xvfb = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((p) => existsSync(p)) ?? null
const display = process.env.DISPLAY || process.platform !== 'linux' ? 'existing' : xvfb ? 'xvfb' : null
const missing = !binary ? "Electron's binary is not installed (npm start downloads it)" : !display ? 'no display and no Xvfb (apt-get install xvfb)' : null
const title = 'opens the window, imports a file through IPC, shows it and quits'
if (missing) console.log(`desktop smoke test skipped: ${missing}`)

describe('desktop app (Electron)', () => {
  let xvfbProcess: ChildProcess | null = null
  const env: Record<string, string> = {}

  beforeAll(async () => {
    if (missing || display !== 'xvfb') return
    const n = 90 + (process.pid % 9)
    xvfbProcess = spawn(xvfb!, [`:${n}`, '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' })
    env.DISPLAY = `:${n}`
    await new Promise((r) => setTimeout(r, 1000))
  })
  afterAll(() => {
    xvfbProcess?.kill()
  })

  it(title, async (ctx) => {
    // The one allowed conditional skip: it is counted as skipped, with its reason in the report.
    if (missing) return ctx.skip(missing)
    const main = join(root, 'out', 'main', 'index.js')
    if (!existsSync(main)) throw new Error('out/main/index.js is missing: run `npm run build` before the e2e suite.')
    const home = mkdtempSync(join(tmpdir(), 'wb-desktop-'))
    // Chromium refuses to run as root with its OS sandbox (CI containers); the renderer keeps contextIsolation and sandbox.
    const rootUser = process.getuid?.() === 0
    const app = await electron.launch({
      executablePath: binary!,
      args: [...(rootUser ? ['--no-sandbox'] : []), main, `--home=${home}`],
      env: { ...process.env, ...env, WORKBENCH_BACKEND: 'cpu' } as Record<string, string>,
      timeout: 60_000,
    })
    try {
      const page = await app.firstWindow()
      await page.waitForSelector('[data-testid="backend"]', { timeout: 60_000 })
      const csv = join(root, 'resources', 'sample', 'state-of-the-union-eras.csv')
      // Through the preload bridge, exactly as the renderer's stores call it.
      const datasetId = await page.evaluate(async (path) => {
        const api = (globalThis as unknown as { workbench: WorkbenchApi }).workbench
        const done = new Promise<string>((resolve, reject) => {
          api.subscribe('dataset', (e) => {
            if (e.type === 'done') resolve(e.datasetId)
            else if (e.type === 'error') reject(new Error(e.message))
          })
        })
        await api.datasets.import({ source: { kind: 'path', path }, name: 'Desktop smoke test' })
        return done
      }, csv)
      const listed = await page.evaluate(() => (globalThis as unknown as { workbench: WorkbenchApi }).workbench.datasets.list())
      expect(listed.map((d) => d.id)).toContain(datasetId)
      expect(listed.find((d) => d.id === datasetId)?.rowCount).toBe(1000)
      // The preload exposes named functions only: no ipcRenderer, no Node.
      expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined')
      await page.evaluate((id) => {
        ;(globalThis as unknown as { location: { hash: string } }).location.hash = `#/datasets/${id}`
      }, datasetId)
      await page.getByText('Desktop smoke test').first().waitFor({ timeout: 30_000 })
      mkdirSync(screenshotDir, { recursive: true })
      await page.screenshot({ path: join(screenshotDir, 'desktop-window.png') })
    } finally {
      await app.close()
    }
  })
})
