// The first-run demo: one click on Home imports the bundled sample and trains a Quick model on it.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot, startWebApp, watchErrors, type WebApp } from './web-app'

let app: WebApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('one-click demo', () => {
  it('imports the sample, trains a Quick run and shows its results', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = await watchErrors(page)
    await page.goto(app.url)
    await page.waitForSelector('[data-testid="demo"]:not([disabled])')
    await page.click('[data-testid="demo"]')
    await page.waitForURL(/#\/runs\/[^/?]+/, { timeout: 90_000 })
    expect(await page.textContent('[data-testid="run-name"]')).toMatch(/Quick/)
    // A picture of the live view once a few points are drawn (if the run is still going).
    for (let i = 0; i < 240; i++) {
      const status = await page.getAttribute('[data-testid="run-status"]', 'data-status')
      const text = await page.locator('[data-testid="point-count"]').textContent({ timeout: 200 }).catch(() => null)
      if (status !== 'running' && status !== 'queued') break
      if (Number(/(\d+)/.exec(text ?? '')?.[1] ?? 0) >= 12) {
        await page.waitForTimeout(300)
        await screenshot(page, 'demo-live')
        break
      }
      await page.waitForTimeout(250)
    }
    await expect
      .poll(() => page.getAttribute('[data-testid="run-status"]', 'data-status'), { timeout: 180_000, interval: 500 })
      .toMatch(/completed|failed|cancelled/)
    expect(await page.getAttribute('[data-testid="run-status"]', 'data-status')).toBe('completed')
    await page.waitForSelector('[data-testid="accuracy"]', { timeout: 60_000 })
    await page.waitForTimeout(400)
    await screenshot(page, 'demo-results')
    // The guided path on Home now shows data imported and a model trained.
    await page.click('nav [data-nav="home"]')
    await expect.poll(() => page.locator('.path li.done').count()).toBeGreaterThanOrEqual(3)
    await screenshot(page, 'demo-home')
    expect(errors).toEqual([])
  })
})
