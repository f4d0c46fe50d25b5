// Shared helpers for the ops tests: run the same computation on a named backend from seeded inputs,
// and compare arrays with a tolerance.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { expect } from 'vitest'
import { registerBackendFixes } from '../../../../src/main/engine/ops'

export const BACKENDS = ['cpu', 'wasm'] as const

/** Deterministic pseudo-random values in [-scale, scale). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5
    out[i] = ((s >>> 0) / 4294967296 * 2 - 1) * scale
  }
  return out
}

/** A float32 tensor of the given shape filled from `seeded`. */
export function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed, scale), shape)
}

/** Switches to `backend` (with the engine's fixes), runs fn in a tidy and reads every result back. */
export async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  await tf.ready()
  registerBackendFixes(backend)
  const outs = tf.tidy(fn)
  const data = outs.map((t) => Float32Array.from(t.dataSync()))
  tf.dispose(outs)
  return data
}

/** Asserts element-wise |a - b| <= atol + rtol * |b|, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-4, rtol = 1e-3): void {
  expect(actual.length).toBe(expected.length)
  let worst = -1, worstErr = 0
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) - rtol * Math.abs(expected[i]!)
    if (!(err <= atol) && (worst < 0 || err > worstErr)) { worst = i; worstErr = err }
  }
  expect(worst < 0 ? 'ok' : `index ${worst}: ${actual[worst]} vs ${expected[worst]}`).toBe('ok')
}
