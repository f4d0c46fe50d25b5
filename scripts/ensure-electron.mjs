#!/usr/bin/env node
// Runs before `npm start`, `npm run dev` and `npm run dist` (argument: dist): makes sure Electron's binary is on
// disk. Electron downloads it lazily (its `install-electron`), not at `npm install`; where that
// download cannot happen (no network to Electron's release host), say so in one plain line and
// point to web mode, which needs no binary.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))
const platformPath = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }[process.platform] ?? 'electron'

/** The executable Electron's own index.js would start (ELECTRON_OVERRIDE_DIST_PATH wins, as there). */
function binaryPath() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  return override ? join(override, platformPath) : join(electronDir, 'dist', platformPath)
}

function installed() {
  try {
    const distVersion = readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '')
    if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && distVersion !== version) return false
  } catch {
    if (!process.env.ELECTRON_OVERRIDE_DIST_PATH) return false
  }
  return existsSync(binaryPath())
}

if (!installed()) {
  process.stdout.write(`Downloading Electron ${version} (about 100 MB, once)...\n`)
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] })
  if (r.status !== 0 || !installed()) {
    const reason = (r.stderr || r.error?.message || '').trim().split('\n')[0].replace(/^\w*Error: /, '') || 'no binary after the download'
    // `npm run dist` passes "dist": installers need the binary too, and web mode is no substitute.
    const consequence =
      process.argv[2] === 'dist'
        ? 'so installers cannot be built on this machine'
        : 'so the desktop app cannot start on this machine; use web mode instead: npm run serve'
    process.stderr.write(`Electron's binary could not be downloaded (${reason}), ${consequence}\n`)
    process.exit(1)
  }
}
