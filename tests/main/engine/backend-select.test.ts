// The backend decisions as pure functions: the order to try, what a pin means, and whether a WebGPU
// adapter counts as a GPU (software adapters are used only when pinned).
import { describe, expect, it } from 'vitest'
import { adapterWords, backendPlan, chooseBackend, isSoftwareAdapter, jobPin, loadFailureReason, pinnedFailure, type AdapterFacts, type Probe } from '../../../src/main/engine/backend-select'

const nvidia: AdapterFacts = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false }
const swiftshader: AdapterFacts = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true }
const lavapipe: AdapterFacts = { vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', isFallbackAdapter: false }
const missing = (reason: string): Probe => ({ loaded: false, reason })

describe('backendPlan', () => {
  it('tries tfjs-node-gpu, WebGPU, tfjs-node, wasm, cpu in that order when nothing is pinned', () => {
    for (const pin of [undefined, '', 'auto', ' Auto ']) {
      expect(backendPlan(pin)).toEqual({ order: ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'], pinned: false })
    }
  })
  it('a pin tries only that backend', () => {
    expect(backendPlan('webgpu')).toEqual({ order: ['webgpu'], pinned: true })
    expect(backendPlan('WASM')).toEqual({ order: ['wasm'], pinned: true })
  })
  it('an unknown pin is a plain error that lists the choices', () => {
    expect(() => backendPlan('gpu')).toThrow('"gpu" is not a compute backend; use one of: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu')
  })
})

describe('software adapters', () => {
  it('are recognised by the fallback flag or by their driver name', () => {
    expect(isSoftwareAdapter(nvidia)).toBe(false)
    expect(isSoftwareAdapter(swiftshader)).toBe(true)
    expect(isSoftwareAdapter(lavapipe)).toBe(true)
    expect(isSoftwareAdapter({ ...nvidia, isFallbackAdapter: true })).toBe(true)
  })
  it('are described in plain words', () => {
    expect(adapterWords(nvidia)).toBe('nvidia ampere')
    expect(adapterWords(swiftshader)).toBe('google swiftshader, software')
    expect(adapterWords({ ...lavapipe, vendor: '' })).toBe('llvmpipe (LLVM 15.0.6, 256 bits), software')
  })
})

describe('chooseBackend', () => {
  const auto = backendPlan(undefined)
  const noNative = { 'tensorflow-gpu': missing('no CUDA'), tensorflow: missing('not installed'), wasm: { loaded: true }, cpu: { loaded: true } } satisfies Partial<Record<string, Probe>>

  it('takes a real GPU adapter over tfjs-node and wasm', () => {
    const r = chooseBackend(auto, { ...noNative, webgpu: { loaded: true, adapter: nvidia } })
    expect(r.chosen).toBe('webgpu')
    expect(r.skipped).toEqual([{ name: 'tensorflow-gpu', reason: 'no CUDA' }])
  })
  it('prefers tfjs-node-gpu when it loaded', () => {
    expect(chooseBackend(auto, { ...noNative, 'tensorflow-gpu': { loaded: true }, webgpu: { loaded: true, adapter: nvidia } })).toEqual({ chosen: 'tensorflow-gpu', skipped: [] })
  })
  it('never picks a software adapter on its own, and says why', () => {
    const r = chooseBackend(auto, { ...noNative, webgpu: { loaded: true, adapter: swiftshader } })
    expect(r.chosen).toBe('wasm')
    expect(r.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow'])
    expect(r.skipped[1]!.reason).toMatch(/software adapter \(google swiftshader, software\).*pin webgpu/)
  })
  it('uses a software adapter when webgpu is pinned', () => {
    expect(chooseBackend(backendPlan('webgpu'), { webgpu: { loaded: true, adapter: lavapipe } })).toEqual({ chosen: 'webgpu', skipped: [] })
  })
  it('skips WebGPU without an adapter, or when its package did not load', () => {
    expect(chooseBackend(auto, { ...noNative, webgpu: { loaded: true, adapter: null } }).skipped[1]).toEqual({ name: 'webgpu', reason: 'no WebGPU adapter (no GPU driver that WebGPU can use)' })
    expect(chooseBackend(auto, { ...noNative, webgpu: missing('the webgpu package (Dawn) is not installed') }).skipped[1]!.reason).toMatch(/not installed/)
  })
  it('chooses tfjs-node over wasm, and nothing when a pinned backend cannot load', () => {
    expect(chooseBackend(auto, { ...noNative, tensorflow: { loaded: true }, webgpu: { loaded: true, adapter: null } }).chosen).toBe('tensorflow')
    expect(chooseBackend(backendPlan('webgpu'), { webgpu: { loaded: true, adapter: null } })).toEqual({
      chosen: null, skipped: [{ name: 'webgpu', reason: 'no WebGPU adapter (no GPU driver that WebGPU can use)' }],
    })
  })
})

describe('pins', () => {
  it("a run's own backend setting wins over WORKBENCH_BACKEND, unless it is auto", () => {
    expect(jobPin('webgpu', 'wasm')).toBe('webgpu')
    expect(jobPin('auto', 'wasm')).toBe('wasm')
    expect(jobPin(undefined, 'cpu')).toBe('cpu')
    expect(jobPin('auto', undefined)).toBeUndefined()
  })
  it('a missing package is named as not installed, with what it needs', () => {
    const gpu = "Cannot find package '@tensorflow/tfjs-node-gpu' imported from /app/out/main/trainer.js"
    expect(loadFailureReason('tensorflow-gpu', gpu)).toBe(
      '@tensorflow/tfjs-node-gpu is not installed (it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on Linux or Windows, and libtensorflow, which npm downloads when it installs the package)',
    )
    expect(loadFailureReason('tensorflow', "Cannot find package '@tensorflow/tfjs-node' imported from x")).toMatch(/^@tensorflow\/tfjs-node is not installed \(it needs libtensorflow/)
    // Anything else keeps its own first line.
    expect(loadFailureReason('tensorflow-gpu', 'libcudart.so.11.0: cannot open shared object file\nstack')).toBe('libcudart.so.11.0: cannot open shared object file')
    expect(loadFailureReason('webgpu', 'no WebGPU adapter (no GPU driver that WebGPU can use)')).toBe('no WebGPU adapter (no GPU driver that WebGPU can use)')
  })
  it('a pinned backend that cannot start is one sentence that names it, the reason and what to do', () => {
    expect(pinnedFailure('webgpu', 'no WebGPU adapter (no GPU driver that WebGPU can use)')).toBe(
      'The compute backend is pinned to webgpu, and it could not start: no WebGPU adapter (no GPU driver that WebGPU can use). ' +
        'Choose another backend or "auto" (the run\'s Backend setting, --backend or WORKBENCH_BACKEND).',
    )
  })
})
