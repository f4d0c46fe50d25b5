// Compute backend selection: the first usable of tfjs-node-gpu -> WebGPU (a real GPU adapter) -> tfjs-node
// -> wasm -> cpu (the decisions are pure functions in backend-select.ts). The native ones and WebGPU are
// optional dependencies, so each is a dynamic import that may fail; only one native TensorFlow package is
// ever loaded in a process.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type { BackendInfo } from '../../shared/domain'
import { registerBackendFixes } from './ops'
import { UserError } from '../../shared/api'
import { adapterWords, backendPlan, isSoftwareAdapter, jobPin, judgeBackend, loadFailureReason, pinnedFailure, type BackendChoice } from './backend-select'
import { startWebgpuBackend, webgpuAdapter } from './webgpu'

export { defaultBackendOrder, type BackendChoice } from './backend-select'

let current: BackendInfo | null = null

/**
 * Picks and activates a backend; idempotent per process. Without `order`, a run's own backend setting
 * (`train.backend`, when not auto) or else WORKBENCH_BACKEND pins one; an explicit order of one backend is
 * a pin too (a software WebGPU adapter is used only when pinned). A pinned backend that cannot start throws
 * a UserError that says why; it never falls back to another.
 */
export async function initBackend(order?: BackendChoice[], runSetting?: string): Promise<BackendInfo> {
  // Production mode: no "install tfjs-node" banner on stderr in the trainer, no debug-only checks.
  tf.enableProdMode()
  const plan = order ? { order, pinned: order.length === 1 } : backendPlan(jobPin(runSetting, process.env.WORKBENCH_BACKEND))
  const wanted = plan.order
  if (current && wanted.includes(current.name as BackendChoice) && tf.getBackend() === tfName(current.name as BackendChoice)) return current
  const skipped: BackendInfo['skipped'] = []
  let nativeLoaded = false
  for (const choice of wanted) {
    try {
      if ((choice === 'tensorflow' || choice === 'tensorflow-gpu') && nativeLoaded) {
        skipped.push({ name: choice, reason: 'another native TensorFlow package is already loaded in this process' })
        continue
      }
      const { description, adapter } = await activate(choice, plan.pinned, () => (nativeLoaded = true))
      registerBackendFixes(tf.getBackend())
      current = { name: choice, description, skipped, ...(adapter ? { adapter } : {}) }
      return current
    } catch (err) {
      const reason = loadFailureReason(choice, err instanceof Error ? err.message : String(err))
      // A pinned backend never falls back: the user asked for this one, so say plainly why it cannot run.
      if (plan.pinned) throw new UserError(pinnedFailure(choice, reason))
      skipped.push({ name: choice, reason })
    }
  }
  throw new Error(`No compute backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`)
}

/** The largest buffer the active WebGPU adapter allows (bytes); null on any other backend. */
export function activeBufferLimit(): number | null {
  return current?.adapter && tf.getBackend() === 'webgpu' ? current.adapter.maxBufferBytes : null
}

function tfName(choice: BackendChoice): string {
  return choice === 'tensorflow-gpu' || choice === 'tensorflow' ? 'tensorflow' : choice
}

type Activated = { description: string; adapter?: BackendInfo['adapter'] }

async function activate(choice: BackendChoice, pinned: boolean, markNative: () => void): Promise<Activated> {
  if (choice === 'webgpu') {
    const found = await webgpuAdapter()
    const verdict = judgeBackend('webgpu', { loaded: true, adapter: found?.facts ?? null }, pinned)
    if (!verdict.use) throw new Error(verdict.reason)
    await startWebgpuBackend((name) => tf.setBackend(name))
    await tf.ready()
    const facts = found!.facts
    const adapter = { vendor: facts.vendor, architecture: facts.architecture, description: facts.description, software: isSoftwareAdapter(facts), maxBufferBytes: found!.maxBufferBytes }
    return { description: `WebGPU (${adapterWords(facts)})`, adapter }
  }
  return { description: await activateOther(choice, markNative) }
}

async function activateOther(choice: Exclude<BackendChoice, 'webgpu'>, markNative: () => void): Promise<string> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const pkg = choice === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
      await import(/* @vite-ignore */ pkg)
      markNative()
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend did not start`)
      await tf.ready()
      return choice === 'tensorflow-gpu' ? 'TensorFlow native (GPU)' : 'TensorFlow native (CPU)'
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      // Under Node the .wasm binaries are read from the package's dist folder.
      const require = createRequire(import.meta.url)
      const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')
      wasm.setWasmPaths(dist + '/')
      if (!(await tf.setBackend('wasm'))) throw new Error('the WebAssembly backend did not start')
      await tf.ready()
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
      return `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the JavaScript backend did not start')
      await tf.ready()
      return 'Plain JavaScript (slowest; no faster backend loaded)'
  }
}
