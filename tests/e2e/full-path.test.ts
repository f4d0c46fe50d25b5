// The whole path a first-time user walks, in Chromium against web mode: import a small real CSV,
// fix a doctor finding, train a Quick run while its curve grows, open the confusion matrix and an
// attention view, train a second run, compare both, export one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, root, screenshot, startWebApp, watchErrors, type WebApp } from './web-app'

let app: WebApp
let browser: Browser
let page: Page
let errors: string[]
let fixtureDir: string
let csvPath: string

/** A small real dataset: 40 paragraphs per era from the bundled sample, plus three exact duplicates. */
function writeFixture(dir: string): string {
  const rows = parse(readFileSync(join(root, 'resources', 'sample', 'state-of-the-union-eras.csv')), { columns: true }) as { text: string; era: string }[]
  const perEra = new Map<string, { text: string; era: string }[]>()
  for (const r of rows) {
    const list = perEra.get(r.era) ?? []
    if (list.length < 40) list.push(r)
    perEra.set(r.era, list)
  }
  const picked = [...perEra.values()].flat()
  picked.push(picked[0], picked[41], picked[82])
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`
  const path = join(dir, 'speeches.csv')
  writeFileSync(path, ['text,era', ...picked.map((r) => `${q(r.text)},${q(r.era)}`)].join('\n') + '\n')
  return path
}

async function runStatus(): Promise<string | null> {
  return page.getAttribute('[data-testid="run-status"]', 'data-status')
}

/** From the Train view: pick the Quick preset, optionally change the learning rate, start, return the run id. */
async function startQuickRun(learningRate?: string): Promise<string> {
  await page.click('nav [data-nav="train"]')
  await page.waitForSelector('[data-preset="quick"]')
  await page.click('[data-preset="quick"]')
  if (learningRate) {
    if (!(await page.isVisible('[data-field="train.learningRate"]'))) {
      await page.click('[data-testid="advanced"]')
    }
    await page.click('.n-tabs-tab:has-text("Training")')
    const input = page.locator('[data-field="train.learningRate"] input')
    await input.fill(learningRate)
    await input.blur()
  }
  await page.click('[data-testid="start-run"]')
  await page.waitForURL(/#\/runs\/[^/?]+/)
  return /#\/runs\/([^/?]+)/.exec(page.url())![1]
}

async function waitCompleted(timeout = 150_000): Promise<void> {
  await expect.poll(runStatus, { timeout, interval: 500 }).toMatch(/completed|failed|cancelled/)
  expect(await runStatus(), (await page.textContent('main')) ?? '').toBe('completed')
}

beforeAll(async () => {
  fixtureDir = mkdtempSync(join(tmpdir(), 'wb-e2e-data-'))
  csvPath = writeFixture(fixtureDir)
  app = await startWebApp()
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', acceptDownloads: true })
  page = await context.newPage()
  errors = await watchErrors(page)
  await page.goto(app.url)
  await page.waitForSelector('nav [data-nav="home"]')
})

// A picture of the page when a step fails says more than the assertion.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, '-')}`, true)
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  rmSync(fixtureDir, { recursive: true, force: true })
})

describe('full path (issue 6) in Chromium', () => {
  let firstRun = ''
  let secondRun = ''

  it('imports a CSV through the wizard', async () => {
    await page.click('nav [data-nav="datasets"]')
    await page.click('[data-testid="open-import"]')
    await page.setInputFiles('[data-testid="file-input"]', csvPath)
    await page.waitForSelector('[data-testid="start-import"]', { timeout: 30_000 })
    expect(await page.textContent('[data-testid="text-columns"]')).toContain('text')
    expect(await page.textContent('[data-testid="label-column"]')).toContain('era')
    await screenshot(page, 'path-01-import-columns')
    await page.click('[data-testid="start-import"]')
    await page.click('[data-testid="check-dataset"]', { timeout: 60_000 })
    await page.waitForURL(/#\/datasets\/[^/]+$/)
    await page.waitForSelector('[data-testid="doctor"]', { timeout: 30_000 })
  })

  it('fixes a doctor finding with one click', async () => {
    await page.waitForSelector('[data-finding="exact-duplicates"]', { timeout: 30_000 })
    await page.waitForTimeout(600) // charts redraw at most every 250 ms
    await screenshot(page, 'path-02-doctor', true)
    await page.click('[data-fix="dedupe-exact"]')
    await expect.poll(() => page.locator('[data-finding="exact-duplicates"]').count(), { timeout: 30_000 }).toBe(0)
    await expect.poll(() => page.textContent('body')).toContain('Fixed. The dataset was checked again.')
  })

  it('trains a Quick run to completion and the curve grows while it runs', async () => {
    await page.click('[data-testid="train-on-dataset"]')
    await page.waitForSelector('[data-testid="plan"]')
    firstRun = await startQuickRun()
    await page.click('.n-tabs-tab:has-text("Training")')
    const seen: number[] = []
    let midShot = false
    for (let i = 0; i < 600; i++) {
      const text = (await page.textContent('[data-testid="point-count"]')) ?? ''
      const n = Number(/(\d+)/.exec(text)?.[1] ?? 0)
      if (!seen.length || n !== seen[seen.length - 1]) seen.push(n)
      if (!midShot && n > 0 && (await runStatus()) === 'running') {
        await screenshot(page, 'path-03-live')
        midShot = true
      }
      if ((await runStatus()) !== 'running' && (await runStatus()) !== 'queued') break
      await page.waitForTimeout(250)
    }
    await waitCompleted()
    // The chart saw the history grow in more than one step while the run was live.
    expect(seen.filter((n) => n > 0).length, `point counts seen: ${seen.join(',')}`).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1])
  })

  it('shows results, lists a confusion-matrix cell and opens an attention view', async () => {
    await page.click('.n-tabs-tab:has-text("Results")')
    await page.waitForSelector('[data-testid="accuracy"]', { timeout: 60_000 })
    expect(await page.textContent('[data-testid="accuracy"]')).toMatch(/\d+(\.\d)?%/)
    // Keyboard-friendly route to the cells: open the list and pick the first cell button.
    await page.click('[data-testid="confusion"] summary')
    await page.locator('[data-testid="confusion"] details button').first().click()
    await page.waitForSelector('[data-testid="cell-examples"] .example', { timeout: 30_000 })
    await screenshot(page, 'path-04-results', true)
    await page.locator('[data-testid="cell-examples"] .example').first().click()
    await page.waitForSelector('[data-testid="attention-panel"] canvas', { timeout: 60_000 })
    await page.waitForTimeout(400)
    await screenshot(page, 'path-05-attention', true)
    const download = page.waitForEvent('download')
    await page.click('[data-testid="export-png"]')
    expect((await download).suggestedFilename()).toMatch(/^attention-.+\.png$/)
  })

  it('trains a second run and compares both', async () => {
    secondRun = await startQuickRun('0.005')
    expect(secondRun).not.toBe(firstRun)
    await waitCompleted()
    await page.click('nav [data-nav="runs"]')
    await page.waitForSelector(`[data-testid="runs-table"] a[href="#/runs/${firstRun}"]`)
    for (const id of [firstRun, secondRun]) {
      await page.locator('[data-testid="runs-table"] tr', { has: page.locator(`a[href="#/runs/${id}"]`) }).locator('.n-checkbox').click()
    }
    await screenshot(page, 'path-06-runs')
    await page.click('[data-testid="compare-selected"]')
    await page.waitForSelector('[data-testid="compare-metrics"]', { timeout: 60_000 })
    await expect.poll(() => page.textContent('[data-testid="config-diff"]'), { timeout: 30_000 }).toMatch(/learning/i)
    await page.waitForTimeout(400)
    await screenshot(page, 'path-07-compare', true)
  })

  it('exports a trained run and shows the verification', async () => {
    await page.click('nav [data-nav="export"]')
    await page.click('[data-testid="export-run"]')
    await page.locator('.n-base-select-option').first().click()
    await page.click('[data-testid="export-start"]')
    // Either the verification appears, or the export's own error (shown beside the button) does.
    await expect.poll(() => page.textContent('main'), { timeout: 150_000, interval: 500 }).toMatch(/Verified|Verification failed|The export failed/)
    await screenshot(page, 'path-08-export')
    expect(await page.textContent('main')).not.toContain('The export failed')
    expect(await page.textContent('[data-testid="export-result"]')).toContain('Verified')
    expect(await page.textContent('[data-testid="export-dir"]')).toBeTruthy()
    expect(errors).toEqual([])
  })
})
