// `npm start` makes sure Electron's binary is present first; where it cannot be downloaded it
// stops with one plain line pointing to web mode instead of Electron's "uninstall" error.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dirs'

const root = process.cwd()
const binaryName = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron'

/** An environment where Electron's binary is absent and its download fails at once (a closed port). */
function noBinaryEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: tempDir('wb-no-electron-'), ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: tempDir('wb-electron-cache-') }
}

describe('starting the desktop app', () => {
  it('npm start without an Electron binary prints one plain line that points to npm run serve, and builds nothing', () => {
    const r = spawnSync('npm', ['start'], { cwd: root, env: noBinaryEnv(), encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(1)
    const ours = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'))
    expect(ours).toHaveLength(1)
    expect(ours[0]).toMatch(/^Electron's binary could not be downloaded \(.+\), so the desktop app cannot start on this machine; use web mode instead: npm run serve$/)
    // It stopped before the build and before electron-vite, which would fail with "Electron uninstall".
    expect(r.stdout).not.toMatch(/electron-vite build|vite v\d/)
    expect(r.stderr).not.toMatch(/uninstall/i)
  })

  it('npm run dist without an Electron binary says installers cannot be built, in one line', () => {
    const r = spawnSync('npm', ['run', 'dist'], { cwd: root, env: noBinaryEnv(), encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(1)
    const ours = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'))
    expect(ours).toEqual([expect.stringMatching(/^Electron's binary could not be downloaded \(.+\), so installers cannot be built on this machine$/)])
    expect(r.stdout).not.toMatch(/electron-builder +version/)
  })

  it('goes on without downloading when the binary is there', () => {
    const dist = tempDir('wb-electron-')
    mkdirSync(dirname(join(dist, binaryName)), { recursive: true })
    writeFileSync(join(dist, binaryName), '')
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-electron.mjs')], {
      cwd: root,
      env: { ...noBinaryEnv(), ELECTRON_OVERRIDE_DIST_PATH: dist },
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).toBe('')
  })
})
