// WebGPU in Node: the `webgpu` package (Dawn, prebuilt for Linux, macOS and Windows) provides
// navigator.gpu, on which tfjs's WebGPU backend runs (Metal, Direct3D 12 or Vulkan underneath).
// Both packages are optional dependencies: a missing one makes the backend chain move on.
import type { AdapterFacts } from './backend-select'

interface GpuAdapterLike {
  info?: Partial<AdapterFacts>
  isFallbackAdapter?: boolean
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>
}

let gpu: GpuLike | null = null

/** Loads Dawn, exposes it as navigator.gpu and returns the adapter tfjs will pick (null: none). */
export async function webgpuAdapter(): Promise<{ facts: AdapterFacts; maxBufferBytes: number } | null> {
  if (!gpu) {
    let mod: { create(options: string[]): GpuLike; globals: Record<string, unknown> }
    try {
      const pkg = 'webgpu'
      mod = (await import(/* @vite-ignore */ pkg)) as typeof mod
    } catch (err) {
      throw new Error(`the webgpu package (Dawn) is not installed or did not load: ${firstLine(err)}`, { cause: err })
    }
    gpu = mod.create([])
    // tfjs reads navigator.gpu and the GPUBufferUsage / GPUMapMode / GPUShaderStage constants as globals.
    for (const [name, value] of Object.entries(mod.globals)) {
      if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
    }
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true })
  }
  // The same request tfjs makes when it starts its backend (WEBGPU_USE_LOW_POWER_GPU unset).
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) return null
  const info = adapter.info ?? {}
  const facts: AdapterFacts = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  }
  return { facts, maxBufferBytes: Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize) }
}

/** Starts tfjs's WebGPU backend on navigator.gpu (call webgpuAdapter first). */
export async function startWebgpuBackend(setBackend: (name: string) => Promise<boolean>): Promise<void> {
  try {
    const pkg = '@tensorflow/tfjs-backend-webgpu'
    // Importing it registers the 'webgpu' backend, because navigator.gpu now exists.
    await import(/* @vite-ignore */ pkg)
  } catch (err) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu is not installed or did not load: ${firstLine(err)}`, { cause: err })
  }
  if (!(await setBackend('webgpu'))) throw new Error('the WebGPU backend did not start on this adapter')
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0].slice(0, 200)
}
