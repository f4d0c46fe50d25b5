// The plan's WebGPU check: it applies when the run will train on WebGPU (pinned, or the automatic
// choice the trainers announced), and its warning carries the array, sizes and the value to lower.
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import type { BackendInfo } from '../../../src/shared/domain'
import { gpuBufferNotice, webgpuBufferLimit } from '../../../src/main/services/run-gpu-limits'

const MiB = 2 ** 20
const webgpu: BackendInfo = { name: 'webgpu', description: 'WebGPU (nvidia ampere)', skipped: [], adapter: { vendor: 'nvidia', architecture: 'ampere', description: '', software: false, maxBufferBytes: 128 * MiB } }
const wasm: BackendInfo = { name: 'wasm', description: 'WebAssembly (SIMD, 2 threads)', skipped: [] }

describe('the plan on WebGPU', () => {
  it('uses the announced adapter limit only for runs that will train on it', () => {
    expect(webgpuBufferLimit('auto', webgpu)).toBe(128 * MiB)
    expect(webgpuBufferLimit('webgpu', webgpu)).toBe(128 * MiB)
    expect(webgpuBufferLimit('wasm', webgpu)).toBeNull()
    expect(webgpuBufferLimit('auto', wasm)).toBeNull()
    expect(webgpuBufferLimit('webgpu', null)).toBeNull()
  })

  it('warns with the array, its size, the limit and the batch size that fits; nothing when it fits', () => {
    const big = resolveConfig(null, { model: { arch: 'encoder', seqLen: 512, nHeads: 8, dModel: 256 }, train: { batchSize: 64 } })
    const w = gpuBufferNotice(big, 2, big.tokenizer.vocabSize, 128 * MiB)
    expect(w?.code).toBe('gpuBuffer')
    expect(w?.params).toEqual({ array: 'scores', mib: 515, limit: 128, setting: 'batchSize', value: 15 })
    expect(w?.text).toMatch(/^This run needs the attention scores .* Lower the batch size to 15 or less, or choose another backend\.$/)
    expect(gpuBufferNotice(resolveConfig(null, {}), 2, 8000, 128 * MiB)).toBeNull()
    expect(gpuBufferNotice(big, 2, big.tokenizer.vocabSize, null)).toBeNull()
  })
})
