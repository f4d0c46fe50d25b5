// The compute backend chain: the first backend that loads wins, each one that did not load is
// reported with its reason, WORKBENCH_BACKEND pins one, and a pinned one that cannot load fails
// plainly. Each case runs in a fresh process, since a process activates one backend for good.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const backendModule = join(process.cwd(), 'src/main/engine/backend.ts')

/** Runs initBackend(order) in a new Node process and returns what it reported. */
function probe(order: string[] | null, env: Record<string, string> = {}) {
  const script = `
    const { initBackend } = await import(${JSON.stringify(backendModule)})
    try {
      const info = await initBackend(${order ? JSON.stringify(order) : 'undefined'})
      console.log(JSON.stringify({ ok: true, info }))
    } catch (err) {
      console.log(JSON.stringify({ ok: false, message: err.message }))
    }`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 120_000,
  })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  expect(line, r.stderr).not.toBe('')
  return JSON.parse(line) as
    | { ok: true; info: { name: string; description: string; skipped: { name: string; reason: string }[]; adapter?: { software: boolean } } }
    | { ok: false; message: string }
}

/** Whether an optional native package is installed here (CI machines usually lack libtensorflow). */
function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg)
    return true
  } catch {
    return false
  }
}

describe('compute backend chain', () => {
  it('tries tensorflow-gpu, then webgpu, then tensorflow, then wasm, reporting why each skipped one did not load', () => {
    const r = probe(null)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const gpu = installed('@tensorflow/tfjs-node-gpu')
    const cpuNative = installed('@tensorflow/tfjs-node')
    // WebGPU wins only on a machine with a real GPU adapter (never in CI: no GPU, no Vulkan driver in this env).
    const expected = gpu ? 'tensorflow-gpu' : r.info.name === 'webgpu' ? 'webgpu' : cpuNative ? 'tensorflow' : 'wasm'
    expect(r.info.name).toBe(expected)
    if (expected === 'webgpu') expect(r.info.adapter?.software).toBe(false)
    // Every backend before the chosen one is listed, in order, with a reason.
    const order = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']
    expect(r.info.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(expected)))
    for (const s of r.info.skipped) expect(s.reason.length).toBeGreaterThan(0)
    if (expected === 'wasm') expect(r.info.description).toMatch(/^WebAssembly \((SIMD|no SIMD)/)
  })

  it('falls through to the next backend when one cannot load', () => {
    const r = probe(['tensorflow-gpu', 'cpu'])
    expect(r.ok).toBe(true)
    if (!r.ok) return
    if (installed('@tensorflow/tfjs-node-gpu')) return expect(r.info.name).toBe('tensorflow-gpu')
    expect(r.info.name).toBe('cpu')
    expect(r.info.skipped).toHaveLength(1)
    expect(r.info.skipped[0].name).toBe('tensorflow-gpu')
    expect(r.info.skipped[0].reason).toMatch(/tfjs-node-gpu/)
  })

  it('WORKBENCH_BACKEND pins one backend', () => {
    const r = probe(null, { WORKBENCH_BACKEND: 'cpu' })
    expect(r.ok && r.info.name).toBe('cpu')
    if (r.ok) expect(r.info.skipped).toEqual([])
  })

  it('a pinned backend that cannot load fails with a message naming it', () => {
    if (installed('@tensorflow/tfjs-node')) return
    const r = probe(null, { WORKBENCH_BACKEND: 'tensorflow' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/^The compute backend is pinned to tensorflow, and it could not start: @tensorflow\/tfjs-node is not installed \(it needs libtensorflow/)
  })

  it('a pinned tensorflow-gpu that is not installed fails with a plain sentence, never a silent fallback', () => {
    if (installed('@tensorflow/tfjs-node-gpu')) return
    const r = probe(['tensorflow-gpu'])
    expect(r).toEqual({
      ok: false,
      message: 'The compute backend is pinned to tensorflow-gpu, and it could not start: @tensorflow/tfjs-node-gpu is not installed ' +
        '(it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on Linux or Windows, and libtensorflow, which npm downloads when it installs the package). ' +
        'Choose another backend or "auto" (the run\'s Backend setting, --backend or WORKBENCH_BACKEND).',
    })
  })

  it('an unknown WORKBENCH_BACKEND is a plain error, not a silent fallback', () => {
    const r = probe(null, { WORKBENCH_BACKEND: 'cuda' })
    expect(r).toEqual({ ok: false, message: '"cuda" is not a compute backend; use one of: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu' })
  })
})
