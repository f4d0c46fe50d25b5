// The whole path a first-time user walks, in Chromium against web mode: import a small real CSV,
// fix a doctor finding, train a Quick run while its curve grows, open the confusion matrix and an
// attention view, train a second run, compare both, export one.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
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
    await openAdvanced('Training')
    const input = page.locator('[data-field="train.learningRate"] input')
    await input.fill(learningRate)
    await input.blur()
  }
  await page.click('[data-testid="start-run"]')
  await page.waitForURL(/#\/runs\/[^/?]+/)
  return /#\/runs\/([^/?]+)/.exec(page.url())![1]
}

/** Open the Advanced settings (if closed) on the named tab. */
async function openAdvanced(tab: string): Promise<void> {
  if ((await page.getAttribute('[data-testid="advanced"]', 'aria-expanded')) !== 'true') await page.click('[data-testid="advanced"]')
  await page.click(`.n-tabs-tab:has-text("${tab}")`)
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

// One journey, not separate tests: each step starts where the previous one left the app (the
// dataset it imported, the runs it trained), as a user's next click does. The steps therefore keep
// their order even under --sequence.shuffle, and a step that needs an earlier one's run says so
// instead of timing out on an empty page.
describe('full path (issue 6) in Chromium', { shuffle: false }, () => {
  let firstRun = ''
  let secondRun = ''
  const needsFirstRun = () => expect(firstRun, 'this step needs the run the training step made; see that step first').not.toBe('')

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
    // Record every value the point counter takes, from inside the page as the DOM changes (no polling).
    await page.evaluate(() => {
      const g = globalThis as unknown as { __counts: number[]; document: { querySelector(s: string): { textContent: string | null } | null; body: unknown } }
      g.__counts = []
      const note = () => {
        const el = g.document.querySelector('[data-testid="point-count"]')
        const status = g.document.querySelector('[data-testid="run-status"]') as unknown as { getAttribute(n: string): string | null } | null
        if (!el || status?.getAttribute('data-status') !== 'running') return
        const n = Number(/(\d+)/.exec(el.textContent ?? '')?.[1] ?? 0)
        if (g.__counts[g.__counts.length - 1] !== n) g.__counts.push(n)
      }
      const Observer = (globalThis as unknown as { MutationObserver: new (cb: () => void) => { observe(t: unknown, o: unknown): void } }).MutationObserver
      new Observer(note).observe(g.document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status'] })
    })
    firstRun = await startQuickRun()
    await page.click('.n-tabs-tab:has-text("Training")')
    // One picture mid-run: wait for the first points to arrive (an event), not for a time.
    await page.waitForFunction(() => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="point-count"]')
      return !!el && /[1-9]/.test(el.textContent ?? '')
    }, undefined, { timeout: 150_000 })
    if ((await runStatus()) === 'running') await screenshot(page, 'path-03-live')
    await waitCompleted()
    const seen = await page.evaluate(() => (globalThis as unknown as { __counts: number[] }).__counts)
    // The chart saw the history grow in more than one step while the run was live.
    expect(seen.filter((n) => n > 0).length, `point counts seen: ${seen.join(',')}`).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1])
  })

  it('shows results, lists a confusion-matrix cell and opens an attention view', async () => {
    needsFirstRun()
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
    needsFirstRun()
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

  it('shows the same reported score for a run on its page, in the runs list, in Compare and in Export', async () => {
    needsFirstRun()
    expect(secondRun, 'this step reads the comparison the previous step opened').not.toBe('')
    const pct = (text: string | null) => /(\d+(?:\.\d)?%)/.exec(text ?? '')?.[1] ?? `no percentage in "${text}"`
    // Compare (still open): the accuracy row, first run's column.
    const inCompare = pct(await page.locator('[data-testid="compare-metrics"] tbody tr').first().locator('td').nth(1).textContent())
    expect(await page.textContent('[data-testid="compare-caption"]')).toMatch(/test rows/)
    await page.click('nav [data-nav="runs"]')
    const row = page.locator('[data-testid="runs-table"] tr', { has: page.locator(`a[href="#/runs/${firstRun}"]`) })
    const inList = pct(await row.locator('[data-score="accuracy"]').textContent())
    await page.goto(`${app.origin}/#/runs/${firstRun}`)
    await page.click('.n-tabs-tab:has-text("Results")')
    await page.waitForSelector('[data-testid="accuracy"]', { timeout: 60_000 })
    const onPage = pct(await page.textContent('[data-testid="accuracy"]'))
    expect(await page.textContent('[data-testid="score-caption"]')).toMatch(/Reported score: \d+ test rows/)
    await page.click('[data-testid="run-export"]')
    await page.waitForSelector('[data-testid="export-accuracy"]')
    const inExport = pct(await page.textContent('[data-testid="export-accuracy"]'))
    expect({ inList, inCompare, inExport }).toEqual({ inList: onPage, inCompare: onPage, inExport: onPage })
    expect(await page.textContent('[data-testid="export-score"]')).toMatch(/test rows/)
  })

  it('a bad value in each kind of field shows a message beside that field, and Start says why it is off', async () => {
    await page.click('nav [data-nav="train"]')
    await page.waitForSelector('[data-preset="quick"]')
    await page.click('[data-preset="quick"]')
    const type = async (path: string, value: string) => {
      const input = page.locator(`[data-field="${path}"] input`)
      await input.fill(value)
      await input.blur()
    }
    // The feedback line fades between texts: read its newest one.
    const feedback = (path: string) => page.locator(`[data-field="${path}"] .n-form-item-feedback-wrapper > *`).last().textContent()
    await openAdvanced('Training')
    await type('train.epochs', 'abc') // letters in a whole-number field
    await type('train.learningRate', '5') // a decimal out of range
    await expect.poll(() => feedback('train.epochs')).toBe('Epochs: "abc" is not a number. Enter a number between 1 and 500.')
    expect(await page.inputValue('[data-field="train.epochs"] input')).toBe('abc')
    await expect.poll(() => feedback('train.learningRate')).toBe('Learning rate must be between 1e-7 and 1.')
    await page.click('.n-tabs-tab:has-text("Model")')
    await type('model.nLayers', '99') // a whole number out of range
    await type('model.nHeads', '5') // breaks a rule between two fields
    await expect.poll(() => feedback('model.nLayers')).toMatch(/must be between 1 and 24\./)
    await expect.poll(() => feedback('model.nHeads')).toContain('must be divisible by the number of heads (5)')
    await expect.poll(() => feedback('model.dModel')).toContain('must be divisible by the number of heads (5)')
    // Start is off and says why; "Show me" brings the first problem into view.
    expect(await page.isDisabled('[data-testid="start-run"]')).toBe(true)
    expect(await page.textContent('[data-testid="start-why"]')).toMatch(/Fix 5 setting\(s\) first: Model width .*Layers.*Epochs, Learning rate\./) // the width/heads rule marks both
    await expect.poll(() => page.textContent('[data-testid="plan"]')).toContain('Fix the settings marked in red')
    await page.locator('main').evaluate((el) => (el.scrollTop = 0))
    await page.click('[data-testid="show-problem"]')
    await expect.poll(() => page.locator('[data-field="model.dModel"]').isVisible()).toBe(true)
    await page.waitForTimeout(500) // smooth scrolling
    const box = await page.locator('[data-field="model.dModel"]').boundingBox()
    const viewport = page.viewportSize()!
    expect(box && box.y >= 0 && box.y + box.height <= viewport.height, JSON.stringify(box)).toBe(true)
    await screenshot(page, 'path-form-problems')
  })

  it('an early-stopped run keeps the epoch its banner names', async () => {
    await page.click('nav [data-nav="train"]')
    await page.waitForSelector('[data-preset="quick"]')
    await page.click('[data-preset="quick"]')
    await openAdvanced('Training')
    for (const [path, value] of [['train.epochs', '12'], ['train.patience', '1'], ['train.learningRate', '0.005']]) {
      const input = page.locator(`[data-field="${path}"] input`)
      await input.fill(value)
      await input.blur()
    }
    await page.click('[data-testid="start-run"]')
    await page.waitForURL(/#\/runs\/[^/?]+/)
    const id = /#\/runs\/([^/?]+)/.exec(page.url())![1]
    await waitCompleted()
    await page.click('.n-tabs-tab:has-text("Training")')
    const kept = (await page.textContent('[data-testid="kept-line"]')) ?? ''
    const m = /Stopped early after epoch (\d+) of 12 and kept epoch (\d+), the one with the best validation macro-F1/.exec(kept)
    expect(m, kept).not.toBeNull()
    const [stoppedAt, keptEpoch] = [Number(m![1]), Number(m![2])]
    expect(stoppedAt).toBeLessThan(12)
    expect(stoppedAt).toBe(keptEpoch + 1) // patience 1: one epoch without improvement
    // Progress ends at the epoch it stopped at, not at the planned last one.
    expect(await page.textContent('[data-testid="progress-text"]')).toContain(`epoch ${stoppedAt} of 12`)
    // The named epoch is the one with the best validation macro-F1 in the run's own history
    // (ties go to the lower loss), and the validation figures shown are that epoch's.
    const points = (await (await page.request.post(`${app.origin}/api/runs.metrics`, { data: { id } })).json()).result as { split: string; epoch: number; loss: number; macroF1: number; accuracy: number }[]
    const val = points.filter((p) => p.split === 'validation')
    expect(val).toHaveLength(stoppedAt)
    const best = val.reduce((a, b) => (Math.abs(b.macroF1 - a.macroF1) > 1e-9 ? (b.macroF1 > a.macroF1 ? b : a) : b.loss < a.loss ? b : a))
    expect(best.epoch).toBe(keptEpoch)
    await page.click('.n-tabs-tab:has-text("Results")')
    await page.waitForSelector('[data-testid="validation-line"]')
    expect(await page.textContent('[data-testid="validation-line"]')).toContain(`accuracy ${(best.accuracy * 100).toFixed(1)}%`)
  })

  it('exports a trained run, shows the verification and downloads a zip whose predict.mjs runs', async () => {
    needsFirstRun()
    await page.goto(`${app.origin}/#/runs/${firstRun}`)
    await page.click('[data-testid="run-export"]')
    await page.click('[data-testid="export-start"]')
    // Either the verification appears, or the export's own error (shown beside the button) does.
    await expect.poll(() => page.textContent('main'), { timeout: 150_000, interval: 500 }).toMatch(/Verified|Verification failed|The export failed/)
    await screenshot(page, 'path-08-export')
    expect(await page.textContent('main')).not.toContain('The export failed')
    expect(await page.textContent('[data-testid="export-result"]')).toContain('Verified')
    expect(await page.textContent('[data-testid="export-dir"]')).toBeTruthy()
    // Each file is explained in plain words; predict.mjs has its own sentence.
    expect(await page.textContent('[data-testid="export-files"]')).toContain('A small program that labels texts on the command line.')
    // The browser downloads the zip through the signed-in session.
    const download = page.waitForEvent('download')
    await page.click('[data-testid="export-download"]')
    const file = await download
    expect(file.suggestedFilename()).toBe('model-bundle.zip')
    const out = join(root, 'artifacts', 'e2e-download')
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    const zipPath = join(out, 'model-bundle.zip')
    await file.saveAs(zipPath)
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
      mkdirSync(dirname(join(out, name)), { recursive: true })
      writeFileSync(join(out, name), bytes)
    }
    // predict.mjs needs only @tensorflow/tfjs, found in the project's node_modules above artifacts/.
    const text = 'We must strengthen our national defense and our economy.'
    const res = spawnSync(process.execPath, ['predict.mjs', '--json', text], { cwd: out, encoding: 'utf8', timeout: 120_000 })
    expect(res.status, res.stderr).toBe(0)
    const answer = JSON.parse(res.stdout) as { label: string; probabilities: Record<string, number> }
    const labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8')) as string[]
    expect(labels).toContain(answer.label)
    expect(Object.values(answer.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
    expect(errors).toEqual([])
  })

  it('captures the main views at three sizes, in both themes and both languages', async () => {
    needsFirstRun()
    // Three views per combination keep this to 36 pictures; they are looked at, not compared.
    const views = [
      { name: 'results', hash: `#/runs/${firstRun}`, ready: '[data-testid="confusion"] canvas', tab: 1 },
      { name: 'runs', hash: '#/runs', ready: '[data-testid="runs-table"] tbody tr', tab: null },
      { name: 'train', hash: '#/train', ready: '[data-testid="plan"]', tab: null },
    ]
    const overflowing: string[] = []
    for (const theme of ['light', 'dark']) {
      for (const locale of ['en', 'zh-CN']) {
        const context = await browser.newContext({ locale: locale === 'en' ? 'en-US' : 'zh-CN' })
        await context.addInitScript({ content: `localStorage.setItem('wb.theme', '${theme}'); localStorage.setItem('wb.locale', '${locale}')` })
        const p = await context.newPage()
        await p.goto(app.url)
        await p.waitForSelector('nav [data-nav="home"]')
        for (const [w, h] of [[1024, 700], [1280, 800], [1920, 1080]]) {
          await p.setViewportSize({ width: w, height: h })
          for (const v of views) {
            await p.goto(`${app.origin}/${v.hash}`)
            if (v.tab !== null) await p.locator('.n-tabs-tab').nth(v.tab).click()
            await p.waitForSelector(v.ready, { timeout: 60_000 })
            await p.waitForTimeout(400) // charts redraw at most every 250 ms
            // Nothing may scroll sideways: the content pane fits the window.
            const sideways = await p.locator('main').evaluate((el) => el.scrollWidth - el.clientWidth)
            if (sideways > 1) overflowing.push(`${v.name} ${w}x${h} ${theme} ${locale}: ${sideways}px`)
            await screenshot(p, `views-${v.name}-${w}x${h}-${theme}-${locale}`)
          }
        }
        await context.close()
      }
    }
    expect(overflowing).toEqual([])
  })
})
