// Compute backend selection: the first that loads of tfjs-node-gpu -> tfjs-node -> wasm -> cpu.
// The native two are optional dependencies (their installers need a network download), so each is
// a dynamic import that may fail; only one of them is ever loaded in a process.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type { BackendInfo } from '../../shared/domain'
import { registerBackendFixes } from './ops'

/** Backends in the order the engine prefers them. */
export type BackendChoice = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
export const defaultBackendOrder: BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']

let current: BackendInfo | null = null

/** Picks and activates a backend (WORKBENCH_BACKEND=wasm|cpu|tensorflow forces one); idempotent per process. */
export async function initBackend(order?: BackendChoice[]): Promise<BackendInfo> {
  // Production mode: no "install tfjs-node" banner on stderr in the trainer, no debug-only checks.
  tf.enableProdMode()
  const forced = process.env.WORKBENCH_BACKEND as BackendChoice | undefined
  const wanted = order ?? (forced && defaultBackendOrder.includes(forced) ? [forced] : defaultBackendOrder)
  if (current && wanted.includes(current.name as BackendChoice) && tf.getBackend() === tfName(current.name as BackendChoice)) return current
  const skipped: BackendInfo['skipped'] = []
  let nativeLoaded = false
  for (const choice of wanted) {
    try {
      if ((choice === 'tensorflow' || choice === 'tensorflow-gpu') && nativeLoaded) {
        skipped.push({ name: choice, reason: 'another native TensorFlow package is already loaded in this process' })
        continue
      }
      const description = await activate(choice, () => (nativeLoaded = true))
      registerBackendFixes(tf.getBackend())
      current = { name: choice, description, skipped }
      return current
    } catch (err) {
      skipped.push({ name: choice, reason: firstLine(err) })
    }
  }
  throw new Error(`No compute backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`)
}

function tfName(choice: BackendChoice): string {
  return choice === 'tensorflow-gpu' || choice === 'tensorflow' ? 'tensorflow' : choice
}

async function activate(choice: BackendChoice, markNative: () => void): Promise<string> {
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

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0].slice(0, 200)
}
