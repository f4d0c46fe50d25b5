// Which backends have had the engine's kernel fixes registered. A leaf (tfjs-core only), as tfjs keeps
// registration apart from kernels: the ops call ensureBackendFixes() without importing the kernels, and
// backend-fixes.ts installs the function that registers them when it loads (ops/index.ts loads it).
import * as tf from '@tensorflow/tfjs-core'

const fixedBackends = new Set<string>()
let installFixes: ((backendName: string) => void) | null = null

/** Called once by backend-fixes.ts: the function that registers a backend's fixes. */
export function setBackendFixer(fn: (backendName: string) => void): void {
  installFixes = fn
}

/** Registers kernels a backend lacks and routes around its slow paths; call once after tf.setBackend(). Idempotent. */
export function registerBackendFixes(backendName: string): void {
  if (fixedBackends.has(backendName) || !installFixes) return
  fixedBackends.add(backendName)
  installFixes(backendName)
}

/** Applies registerBackendFixes to the active backend; ops call it so they are fast even if the caller forgot. */
export function ensureBackendFixes(): void {
  const name = tf.getBackend()
  if (!fixedBackends.has(name)) registerBackendFixes(name)
}
