// WebGPU parity: each architecture trains a few steps from the same seed on WebGPU (pinned, on the
// SwiftShader Vulkan driver that Debian's Chromium ships) and on wasm, each in its own process; the
// losses, the saved model's predictions and the exported bundle's predictions agree. Measured: losses
// within 6e-8, probabilities (saved and exported) within 6e-8 (float32 rounding); the tolerance is 1e-4.
// Also: the automatic chain never picks the software adapter, and a pinned WebGPU without any adapter
// fails with a plain message.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const CHROMIUM_LIB = '/usr/lib/chromium'
const ICD = join(CHROMIUM_LIB, 'vk_swiftshader_icd.json')
const driverPresent = existsSync(ICD) && existsSync(join(CHROMIUM_LIB, 'libvk_swiftshader.so')) && existsSync(join(CHROMIUM_LIB, 'libvulkan.so.1'))
const swiftshaderEnv = { VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: CHROMIUM_LIB }
const TOLERANCE = 1e-4

const child = join(process.cwd(), 'tests/main/engine/webgpu/train-child.ts')
const probeModule = join(process.cwd(), 'src/main/engine/backend.ts')
const dir = mkdtempSync(join(tmpdir(), 'webgpu-parity-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Exported { ok: boolean; maxProbDiff: number; labels: string[]; positive: number[] }
interface Trained { ok: true; backend: string; description: string; losses: number[]; labels: string[]; positive: number[]; exported: Exported; trainMs: number; exportMs: number }
type Reply = Trained | { ok: false; message: string }

function node(args: string[], env: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = '', err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('error', reject)
    p.on('close', () => {
      const line = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as Reply)
      } catch {
        reject(new Error(`no result from ${args.join(' ')}: ${err.slice(-2000)}`))
      }
    })
  })
}

function trained(r: Reply): Trained {
  if (!r.ok) throw new Error(r.message)
  return r
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length)
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))
}

if (!driverPresent) console.warn('WebGPU parity skipped: no SwiftShader Vulkan driver in /usr/lib/chromium (Debian chromium not installed)')

describe.skipIf(!driverPresent)('WebGPU on the software Vulkan driver', () => {
  for (const arch of ['encoder', 'decoder', 'bag'] as const) {
    it(`${arch}: a few training steps on WebGPU match wasm from the same seed`, async () => {
      const [gpu, wasm] = await Promise.all([
        node([child, 'webgpu', arch, join(dir, `${arch}-webgpu`)], swiftshaderEnv).then(trained),
        node([child, 'wasm', arch, join(dir, `${arch}-wasm`)], {}).then(trained),
      ])
      expect(gpu.backend).toBe('webgpu')
      expect(gpu.description).toBe('WebGPU (google swiftshader, software)')
      expect(wasm.backend).toBe('wasm')
      expect(gpu.losses.length).toBeGreaterThanOrEqual(3)
      expect(maxDiff(gpu.losses, wasm.losses)).toBeLessThan(TOLERANCE)
      expect(maxDiff(gpu.positive, wasm.positive)).toBeLessThan(TOLERANCE)
      expect(gpu.labels).toEqual(wasm.labels)
      // The exported bundle (graph model + tokenizer, as predict.mjs runs it) passed its own check on each
      // backend and predicts the same labels from the WebGPU-trained run as from the wasm-trained one.
      expect(gpu.exported.ok && wasm.exported.ok).toBe(true)
      expect(gpu.exported.labels).toEqual(wasm.exported.labels)
      expect(gpu.exported.labels).toEqual(gpu.labels)
      expect(maxDiff(gpu.exported.positive, wasm.exported.positive)).toBeLessThan(TOLERANCE)
      console.info(`${arch}: WebGPU vs wasm, largest loss difference ${maxDiff(gpu.losses, wasm.losses).toExponential(1)}, ` +
        `probability ${maxDiff(gpu.positive, wasm.positive).toExponential(1)}, exported probability ${maxDiff(gpu.exported.positive, wasm.exported.positive).toExponential(1)}; ` +
        `WebGPU train ${(gpu.trainMs / 1000).toFixed(1)} s + export ${(gpu.exportMs / 1000).toFixed(1)} s, wasm ${(wasm.trainMs / 1000).toFixed(1)} s + ${(wasm.exportMs / 1000).toFixed(1)} s`)
    }, 180_000)
  }

  it("a batch past the adapter's buffer limit is refused before training, saying what to lower", async () => {
    const r = await node([child, 'webgpu', 'encoder', join(dir, 'oversize'), 'oversize'], swiftshaderEnv)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/^This run needs the attention scores \(batch 1024 x 2 heads x 513 x 513 positions\) in one array of \d+ MiB, more than the \d+ MiB this graphics card's WebGPU allows for one buffer\. Lower the batch size to \d+ or less, or choose another backend\.$/)
  }, 60_000)

  it('the automatic chain skips the software adapter and says so', async () => {
    const script = `const { initBackend } = await import(${JSON.stringify(probeModule)})
      const info = await initBackend(); console.log(JSON.stringify({ ok: true, ...info })); process.exit(0)`
    const r = (await node(['--input-type=module', '-e', script], swiftshaderEnv)) as unknown as { ok: true; name: string; skipped: { name: string; reason: string }[] }
    expect(r.name).not.toBe('webgpu')
    expect(r.skipped.find((s) => s.name === 'webgpu')?.reason).toMatch(/only a software adapter \(google swiftshader, software\)/)
  }, 60_000)

  it('a pinned WebGPU with no adapter fails with a plain message', async () => {
    const script = `const { initBackend } = await import(${JSON.stringify(probeModule)})
      try { await initBackend() } catch (err) { console.log(JSON.stringify({ ok: false, message: err.message })) } process.exit(0)`
    // The Vulkan loader is found, but it has no driver to load.
    const r = await node(['--input-type=module', '-e', script], { ...swiftshaderEnv, VK_ICD_FILENAMES: join(dir, 'no-driver.json'), WORKBENCH_BACKEND: 'webgpu' })
    expect(r).toEqual({ ok: false, message: 'The compute backend is pinned to webgpu, and it could not start: no WebGPU adapter (no GPU driver that WebGPU can use). Choose another backend or "auto" (the run\'s Backend setting, --backend or WORKBENCH_BACKEND).' })
  }, 60_000)
})
