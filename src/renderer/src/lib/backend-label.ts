// Compute backends in the UI language: the services describe them in English ("WebAssembly (SIMD,
// 2 threads)", "wasm"); the UI shows its own words and keeps the original in a tooltip.

type T = (key: string, params?: Record<string, unknown>) => string

/** A backend description as the status bar shows it. */
export function backendDescription(t: T, description: string): string {
  const wasm = /^WebAssembly \((SIMD|no SIMD), (\d+) threads?\)/.exec(description)
  if (wasm) return t(wasm[1] === 'SIMD' ? 'backendWords.wasmSimd' : 'backendWords.wasmPlain', { n: Number(wasm[2]) })
  // "WebGPU (nvidia ampere)" or "WebGPU (google swiftshader, software)": the adapter's own names stay as they are.
  const gpu = /^WebGPU \((.*?)(, software)?\)$/.exec(description)
  if (gpu) return t(gpu[2] ? 'backendWords.webgpuSoftware' : 'backendWords.webgpu', { adapter: gpu[1] })
  if (description.startsWith('TensorFlow native (GPU)')) return t('backendWords.tensorflowGpu')
  if (description.startsWith('TensorFlow native')) return t('backendWords.tensorflow')
  if (description.startsWith('Plain JavaScript')) return t('backendWords.cpu')
  return description
}

/** A backend's short name ("wasm") as a word. */
export function backendName(t: T, name: string): string {
  const known: Record<string, string> = { wasm: 'wasmShort', cpu: 'cpuShort', tensorflow: 'tensorflowShort', 'tensorflow-gpu': 'tensorflowGpuShort', webgpu: 'webgpuShort' }
  return known[name] ? t(`backendWords.${known[name]}`) : name
}

/** Where a run computed, in words: its recorded description (with the WebGPU adapter) or, for older runs, its backend's name. */
export function runBackendLabel(t: T, run: { backend: string | null; backendDetail?: string | null }): string | null {
  if (run.backendDetail) return backendDescription(t, run.backendDetail)
  return run.backend ? backendName(t, run.backend) : null
}
