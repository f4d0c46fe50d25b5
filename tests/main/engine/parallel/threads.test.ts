// The thread count a job trains on and how the backend line reports it.
import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { resolveThreads, withThreads } from '../../../../src/main/engine/parallel/threads'
import { splitRows } from '../../../../src/main/engine/parallel/shards'

describe('training threads', () => {
  it('uses one thread per core by default, the setting otherwise, and 1 on self-threading backends', () => {
    expect(resolveThreads(0, 'wasm')).toBe(availableParallelism())
    expect(resolveThreads(3, 'wasm')).toBe(3)
    expect(resolveThreads(1, 'cpu')).toBe(1)
    expect(resolveThreads(500, 'wasm')).toBe(64)
    expect(resolveThreads(4, 'tensorflow')).toBe(1)
    process.env.WORKBENCH_THREADS = '3'
    try {
      expect(resolveThreads(0, 'wasm')).toBe(3) // the default can be set for the machine
      expect(resolveThreads(2, 'wasm')).toBe(2) // a run's own setting wins
    } finally {
      delete process.env.WORKBENCH_THREADS
    }
  })

  it('says the thread count in the backend description', () => {
    const wasm = { name: 'wasm', description: 'WebAssembly (SIMD, 1 thread)', skipped: [] }
    expect(withThreads(wasm, 2).description).toBe('WebAssembly (SIMD, 2 threads)')
    expect(withThreads(wasm, 1).description).toBe('WebAssembly (SIMD, 1 thread)')
    expect(withThreads({ name: 'cpu', description: 'Plain JavaScript', skipped: [] }, 3).description).toBe('Plain JavaScript (3 threads)')
    const native = { name: 'tensorflow', description: 'TensorFlow native (CPU)', skipped: [] }
    expect(withThreads(native, 4)).toEqual(native)
  })

  it('splits a batch into contiguous, non-empty, nearly equal shards', () => {
    expect(splitRows(32, 2)).toEqual([{ from: 0, to: 16 }, { from: 16, to: 32 }])
    expect(splitRows(5, 3)).toEqual([{ from: 0, to: 1 }, { from: 1, to: 3 }, { from: 3, to: 5 }])
    expect(splitRows(2, 4)).toEqual([{ from: 0, to: 1 }, { from: 1, to: 2 }])
  })
})
