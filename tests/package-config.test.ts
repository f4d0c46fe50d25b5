// A fresh clone installs with the README's `npm install` and no environment variables: what npm
// reads from the project (package.json, .npmrc) must be enough.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = process.cwd()
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const require = createRequire(join(root, 'package.json'))
const semver = require('semver') as { subset(sub: string, sup: string): boolean }
const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }))

/** An environment without the variables the README used to ask for. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (/^(ONNXRUNTIME_NODE_INSTALL|ELECTRON_SKIP_BINARY_DOWNLOAD|npm_config_onnxruntime_node_install)/i.test(k)) delete env[k]
  return env
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (name === 'node_modules' || name.startsWith('.')) return []
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(name) ? [p] : []
  })
}

describe('installing from a fresh clone', () => {
  it("skips onnxruntime-node's CUDA download through the project's npm configuration alone", () => {
    // `npm exec` sees the same npm configuration as the install scripts of `npm install`.
    const script = join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js')
    const r = spawnSync('npm', ['exec', '--', 'node', '-e', `console.log(JSON.stringify(require(${JSON.stringify(join(root, 'node_modules/onnxruntime-node/script/install-utils.js'))}).parseInstallFlag())); require(${JSON.stringify(script)})`], {
      cwd: root,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(r.status, r.stderr).toBe(0)
    // false is "skip": install.js exits at once, before any download.
    expect(r.stdout.trim()).toBe('false')
    // npm 11.19+ runs no dependency install script unless allowScripts says so.
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false)
  })

  it('reviews every dependency install script in allowScripts', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([path, p]) => path && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    expect(withScripts.length).toBeGreaterThan(0)
    for (const name of withScripts) expect(Object.keys(pkg.allowScripts), name).toContain(name)
  })

  it('is private and asks for a Node every tool accepts', () => {
    expect(pkg.private).toBe(true)
    for (const tool of ['electron', 'vitest', 'eslint', 'vite', 'electron-vite', 'better-sqlite3']) {
      const engines = JSON.parse(readFileSync(require.resolve(`${tool}/package.json`), 'utf8')).engines?.node
      expect(semver.subset(pkg.engines.node, engines), `${tool} needs node ${engines}`).toBe(true)
    }
  })

  it('declares every package the app, the scripts and the tests import', () => {
    const builtins = new Set(builtinModules)
    const sources = [...files(join(root, 'src'), /\.(ts|vue|mjs)$/), ...files(join(root, 'scripts'), /\.(ts|mjs)$/), ...files(join(root, 'tests'), /\.ts$/)]
    sources.push(...['electron.vite.config.ts', 'vitest.config.ts', 'eslint.config.js'].map((f) => join(root, f)))
    const missing = new Set<string>()
    for (const file of sources) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"./][^'"]*)['"]|import\(\s*['"]([^'"./][^'"]*)['"]\s*\)|require\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3]
        if (spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        if (!declared.has(name)) missing.add(`${name} (${file.slice(root.length + 1)})`)
      }
    }
    expect([...missing]).toEqual([])
  })

  it('no longer declares packages nothing uses', () => {
    for (const gone of ['vue-echarts', '@tensorflow/tfjs-layers']) expect(declared.has(gone), gone).toBe(false)
  })
})
