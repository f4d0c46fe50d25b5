// Which compute backend a trainer process uses, as pure decisions: the order to try (or the one pinned
// by WORKBENCH_BACKEND / --backend), whether a backend that loaded may be used (a WebGPU adapter must be
// a real GPU unless pinned), and the adapter in plain words. backend.ts does the loading.

import { backendChoices, isBackendChoice, type BackendChoice } from '../../shared/backends'

export { backendChoices, isBackendChoice, type BackendChoice } from '../../shared/backends'
export const defaultBackendOrder: BackendChoice[] = [...backendChoices]

/** What a WebGPU adapter says about itself (GPUAdapterInfo's fields). */
export interface AdapterFacts {
  vendor: string
  architecture: string
  device: string
  description: string
  isFallbackAdapter: boolean
}

/** What probing one backend found: it loaded (with its adapter, for WebGPU) or it did not, and why. */
export type Probe = { loaded: true; adapter?: AdapterFacts | null } | { loaded: false; reason: string }

/** The order to try: the default chain, or only the pinned backend. An unknown pin is a plain error. */
export function backendPlan(pin: string | undefined | null): { order: BackendChoice[]; pinned: boolean } {
  const name = pin?.trim().toLowerCase()
  if (!name || name === 'auto') return { order: [...defaultBackendOrder], pinned: false }
  if (!isBackendChoice(name)) {
    throw new Error(`"${pin}" is not a compute backend; use one of: auto, ${backendChoices.join(', ')}`)
  }
  return { order: [name], pinned: true }
}

const softwareWords = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i

/** A CPU implementation of WebGPU (SwiftShader, lavapipe, WARP): correct, but no faster than wasm. */
export function isSoftwareAdapter(a: AdapterFacts): boolean {
  return a.isFallbackAdapter || softwareWords.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`)
}

/** The adapter in plain words, e.g. "nvidia ampere" or "google swiftshader, software". */
export function adapterWords(a: AdapterFacts): string {
  const parts = [a.vendor, a.architecture].filter((s) => s && s.trim()).join(' ') || a.description || 'unknown adapter'
  return isSoftwareAdapter(a) ? `${parts}, software` : parts
}

/** Whether a backend that was probed may be used; a reason when not. */
export function judgeBackend(choice: BackendChoice, probe: Probe, pinned: boolean): { use: true } | { use: false; reason: string } {
  if (!probe.loaded) return { use: false, reason: probe.reason }
  if (choice !== 'webgpu') return { use: true }
  const adapter = probe.adapter
  if (!adapter) return { use: false, reason: 'no WebGPU adapter (no GPU driver that WebGPU can use)' }
  if (isSoftwareAdapter(adapter) && !pinned) {
    return { use: false, reason: `only a software adapter (${adapterWords(adapter)}), no faster than the CPU backends; pin webgpu to use it anyway` }
  }
  return { use: true }
}

/** The whole decision over known probe results: the backend chosen and why each one before it was skipped. */
export function chooseBackend(
  plan: { order: BackendChoice[]; pinned: boolean },
  probes: Partial<Record<BackendChoice, Probe>>,
): { chosen: BackendChoice | null; skipped: { name: BackendChoice; reason: string }[] } {
  const skipped: { name: BackendChoice; reason: string }[] = []
  for (const choice of plan.order) {
    const verdict = judgeBackend(choice, probes[choice] ?? { loaded: false, reason: 'not available' }, plan.pinned)
    if (verdict.use) return { chosen: choice, skipped }
    skipped.push({ name: choice, reason: verdict.reason })
  }
  return { chosen: null, skipped }
}

/** Which pin a job runs under: the run's own setting unless it is auto, else WORKBENCH_BACKEND (set by --backend). */
export function jobPin(runSetting: string | undefined | null, envPin: string | undefined): string | undefined {
  return runSetting && runSetting !== 'auto' ? runSetting : envPin
}

const packages: Partial<Record<BackendChoice, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
}

const needs: Partial<Record<BackendChoice, string>> = {
  'tensorflow-gpu': 'it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on Linux or Windows, and libtensorflow, which npm downloads when it installs the package',
  tensorflow: 'it needs libtensorflow, which npm downloads when it installs the package',
}

/** Why a backend did not load, in plain words: a missing package is named as such, anything else by its first line. */
export function loadFailureReason(choice: BackendChoice, message: string): string {
  const first = message.split('\n')[0]!.slice(0, 200)
  const pkg = packages[choice]
  if (pkg && /Cannot find (package|module)|ERR_MODULE_NOT_FOUND/.test(first) && first.includes(pkg)) {
    return `${pkg} is not installed${needs[choice] ? ` (${needs[choice]})` : ''}`
  }
  return first
}

/** The sentence a pinned backend that could not start fails with (it never falls back to another). */
export function pinnedFailure(choice: BackendChoice, reason: string): string {
  return `The compute backend is pinned to ${choice}, and it could not start: ${reason}. ` +
    'Choose another backend or "auto" (the run\'s Backend setting, --backend or WORKBENCH_BACKEND).'
}
