// Measures the longest main-thread task in the renderer while a run trains live: starts web mode,
// imports the bundled sample, starts a run, watches its live view in headless Chromium with a
// PerformanceObserver for 'longtask' entries, and prints one JSON object.
// Usage: npm run build && npx tsx scripts/measure-renderer-longtask.ts [--seconds 60] [--preset balanced]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { launchChromium, root, startWebApp } from '../tests/e2e/web-app'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const seconds = Number(arg('seconds', '60'))
const preset = arg('preset', 'balanced')

const app = await startWebApp()
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __longtasks: number[]; PerformanceObserver: typeof PerformanceObserver }
    w.__longtasks = []
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push(Math.round(e.duration), Math.round(e.startTime))
    }).observe({ type: 'longtask' as never, buffered: true })
  })
  await page.goto(app.url)
  await page.waitForSelector('nav [data-nav="home"]')

  // Drive the API from the page (it holds the session cookie), as the UI's stores would.
  const call = (name: string, input?: unknown) =>
    page.evaluate(
      async ([n, i]) => {
        const res = await fetch(`/api/${n}`, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: i === undefined ? undefined : JSON.stringify(i) })
        const body = (await res.json()) as { ok: boolean; result: unknown; error: { message: string } }
        if (!body.ok) throw new Error(body.error.message)
        return body.result
      },
      [name, input] as const,
    )
  const csv = readFileSync(join(root, 'resources', 'sample', 'state-of-the-union-eras.csv'))
  const upload = await page.evaluate(async (bytes) => {
    const res = await fetch('/api/datasets.upload?fileName=sample.csv', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(bytes) })
    return ((await res.json()) as { result: { uploadId: string } }).result
  }, [...csv])
  await call('datasets.import', { source: { kind: 'upload', uploadId: upload.uploadId }, name: 'sample' })
  let datasetId: string | null = null
  for (let i = 0; i < 240 && !datasetId; i++) {
    const list = (await call('datasets.list')) as { id: string; status: string }[]
    datasetId = list.find((d) => d.status === 'ready')?.id ?? null
    if (!datasetId) await page.waitForTimeout(500)
  }
  if (!datasetId) throw new Error('the sample did not import')
  const run = (await call('runs.start', { datasetId, preset, name: 'long-task probe' })) as { id: string }
  const read = () => page.evaluate(() => (globalThis as unknown as { __longtasks: number[] }).__longtasks) as Promise<number[]>
  await page.evaluate(() => ((globalThis as unknown as { __longtasks: number[] }).__longtasks = []))
  await page.goto(`${app.origin}/#/runs/${run.id}?tab=live`)
  await page.waitForSelector('[data-testid="loss-chart"] canvas')
  await page.waitForTimeout(1500)
  // Opening the view (creating its charts) is reported apart from the steady state of a live run.
  const startupRaw = await read()
  await page.evaluate(() => ((globalThis as unknown as { __longtasks: number[] }).__longtasks = []))
  const started = Date.now()
  let status = 'running'
  let points = 0
  // Tasks seen while the run was still live; when it finishes the view switches to Results,
  // which is a different (one-off) cost, reported as end-of-run.
  let whileLive: number[] = []
  let liveSeconds = 0
  while (Date.now() - started < seconds * 1000) {
    await page.waitForTimeout(1000)
    status = (await page.getAttribute('[data-testid="run-status"]', 'data-status')) ?? status
    if (status === 'running' || status === 'queued') {
      whileLive = await read()
      liveSeconds = (Date.now() - started) / 1000
    }
    // The live chart's own count of drawn training points (the view moves to Results at the end).
    const text = await page.locator('[data-testid="point-count"]').textContent({ timeout: 200 }).catch(() => null)
    points = Math.max(points, Number(/(\d+)/.exec(text ?? '')?.[1] ?? 0))
    if (status !== 'running' && status !== 'queued') break
  }
  // Entries are pairs of [duration, startTime].
  const durations = (raw: number[]) => raw.filter((_, i) => i % 2 === 0)
  const raw = await read()
  const startup = durations(startupRaw)
  const tasks = durations(whileLive)
  const endOfRun = durations(raw.slice(whileLive.length))
  if (process.argv.includes('--verbose')) console.error({ startupRaw, whileLive, raw })
  console.log(
    JSON.stringify({
      preset,
      liveSecondsWatched: Math.round(liveSeconds * 10) / 10,
      runStatusAtEnd: status,
      trainingPointsDrawn: points,
      startupLongestTaskMs: startup.length ? Math.max(...startup) : 0,
      longTasks: tasks.length,
      longestTaskMs: tasks.length ? Math.round(Math.max(...tasks)) : 0,
      totalLongTaskMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
      endOfRunLongestTaskMs: endOfRun.length ? Math.max(...endOfRun) : 0,
      targetMs: 50,
    }),
  )
} finally {
  await browser.close()
  await app.stop()
}
