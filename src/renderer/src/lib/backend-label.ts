// Compute backends in the UI language: the services describe them in English ("WebAssembly (SIMD,
// 2 threads)", "wasm"); the UI shows its own words and keeps the original in a tooltip.

type T = (key: string, params?: Record<string, unknown>) => string

/** A backend description as the status bar shows it. */
export function backendDescription(t: T, description: string): string {
  const wasm = /^WebAssembly \((SIMD|no SIMD), (\d+) threads?\)/.exec(description)
  if (wasm) return t(wasm[1] === 'SIMD' ? 'backendWords.wasmSimd' : 'backendWords.wasmPlain', { n: Number(wasm[2]) })
  if (description.startsWith('TensorFlow native (GPU)')) return t('backendWords.tensorflowGpu')
  if (description.startsWith('TensorFlow native')) return t('backendWords.tensorflow')
  if (description.startsWith('Plain JavaScript')) return t('backendWords.cpu')
  return description
}

/** A backend's short name ("wasm") as a word. */
export function backendName(t: T, name: string): string {
  const known: Record<string, string> = { wasm: 'wasmShort', cpu: 'cpuShort', tensorflow: 'tensorflowShort', 'tensorflow-gpu': 'tensorflowGpuShort' }
  return known[name] ? t(`backendWords.${known[name]}`) : name
}
