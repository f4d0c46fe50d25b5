// The app opens in Chromium through web mode, every section is reachable from the navigation,
// the status bar names the compute backend, and nothing breaks the page's security policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
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

const sections = [
  { nav: 'home', path: '#/', heading: 'Welcome to Attention Workbench' },
  { nav: 'datasets', path: '#/datasets', heading: 'Datasets' },
  { nav: 'train', path: '#/train', heading: 'Train a model' },
  { nav: 'runs', path: '#/runs', heading: 'Runs' },
  { nav: 'compare', path: '#/compare', heading: 'Compare runs' },
  { nav: 'export', path: '#/export', heading: 'Export' },
]

describe('foundation (web mode in Chromium)', () => {
  it('navigates every section and shows the backend in the status bar', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
    const page = await context.newPage()
    const errors = await watchErrors(page)
    await page.goto(app.url)
    // The token is traded for a cookie and never left in the address bar.
    expect(page.url()).not.toContain('token=')
    await page.waitForSelector('nav [data-nav="home"]')

    for (const s of sections) {
      await page.click(`nav [data-nav="${s.nav}"]`)
      await page.waitForFunction((p) => (globalThis as unknown as { location: { hash: string } }).location.hash === p, s.path)
      await expect.poll(() => page.locator('h1').first().textContent()).toBe(s.heading)
      expect(await page.getAttribute(`nav [data-nav="${s.nav}"]`, 'aria-current')).toBe('page')
      await screenshot(page, `foundation-${s.nav}`)
    }

    // The Train form validates with the shared schemas; that must not need eval under the CSP.
    await page.click('nav [data-nav="train"]')
    await page.click('[data-testid="advanced"]')
    const heads = page.locator('[data-field="model.nHeads"] input')
    await heads.fill('5')
    await heads.blur()
    await expect.poll(() => page.textContent('[data-field="model.nHeads"]')).toContain('divisible')
    await screenshot(page, 'foundation-train-validation')

    const backend = page.locator('[data-testid="backend"]')
    await expect.poll(() => backend.textContent(), { timeout: 90_000, interval: 500 }).toMatch(/^\s*Backend:\s*(?!detecting|connecting)\S/)
    await screenshot(page, 'foundation-status-bar')
    expect(errors).toEqual([])
    await context.close()
  })

  it('switches to Chinese and to the dark theme without reloading', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(app.url)
    await page.waitForSelector('nav [data-nav="home"]')
    await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = 42))
    await page.click('[data-testid="language"]')
    await page.click('.n-base-select-option:has-text("简体中文")')
    await expect.poll(() => page.locator('nav [data-nav="datasets"]').textContent()).toBe('数据集')
    await page.click('.status-bar .n-switch')
    await expect.poll(() => page.locator('.wb-theme-dark').count()).toBe(1)
    await page.keyboard.press('Escape')
    // Let the components' colour transitions finish before the picture.
    await page.waitForTimeout(600)
    // Same page, no reload.
    expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(42)
    await screenshot(page, 'foundation-zh-dark-1024')
    await context.close()
  })

  it('shows the sign-in help when the session cookie is gone', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(app.url)
    await page.waitForSelector('nav [data-nav="home"]')
    await context.clearCookies()
    await page.click('nav [data-nav="datasets"]')
    await expect.poll(() => page.textContent('body')).toContain('This browser is not signed in')
    expect(await page.textContent('body')).toContain('Open the link printed in the terminal')
    await screenshot(page, 'foundation-signed-out')
    await context.close()
  })
})
