// Starts the built app in web mode on a free port with a throw-away home folder, and a headless
// Chromium to drive it. Needs `npm run build` (out/main/cli.js) and Debian's chromium.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Project root (tests/e2e/..). */
export const root = fileURLToPath(new URL('../..', import.meta.url))
/** Where screenshots go (gitignored, kept by CI as artifacts). */
export const screenshotDir = join(root, 'artifacts', 'screenshots')

/** A running web-mode app. */
export interface WebApp {
  /** The link printed in the terminal, with ?token=. */
  url: string
  origin: string
  home: string
  output: () => string
  stop(): Promise<void>
}

/** Start `node out/main/cli.js --home DIR serve --port 0` and wait for its URL line (the server picks the port and reports it). */
export async function startWebApp(options: { home?: string; timeoutMs?: number } = {}): Promise<WebApp> {
  const cli = join(root, 'out', 'main', 'cli.js')
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` before the e2e suite.')
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'wb-e2e-'))
  const child: ChildProcess = spawn(process.execPath, [cli, '--home', home, 'serve', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WORKBENCH_HOME: home },
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`web mode did not print its URL in time:\n${out}`)), options.timeoutMs ?? 30_000)
    const check = () => {
      const m = /Attention Workbench is running at (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`web mode exited with code ${code}:\n${out}`))
    })
  })
  return {
    url,
    origin: new URL(url).origin,
    home,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      if (!options.home) rmSync(home, { recursive: true, force: true })
    },
  }
}

/** Launch Debian's Chromium headless (override the binary with CHROMIUM_PATH). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** Collect page errors, console errors and Content-Security-Policy violations (call before goto). */
export async function watchErrors(page: Page): Promise<string[]> {
  const errors: string[] = []
  // Runs in the page (DOM types are not in this project's Node config, hence the string).
  await page.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber))",
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  return errors
}

/** Save a screenshot under artifacts/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, fullPage })
  return path
}
