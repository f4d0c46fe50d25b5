// The compute backend in the UI's words, for the status bar, the run page and compare: the WebGPU
// adapter (vendor, architecture) is named, and a software adapter says it is not a graphics card.
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { backendDescription, backendName, runBackendLabel } from '../../src/renderer/src/lib/backend-label'
import en from '../../src/renderer/src/i18n/en'
import zhCN from '../../src/renderer/src/i18n/zh-cn'

function tr(locale: 'en' | 'zh-CN') {
  const i18n = createI18n({ legacy: false, locale, messages: { en, 'zh-CN': zhCN } })
  return (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})
}

describe('backend words', () => {
  const t = tr('en')
  it('names the WebGPU adapter, and says when it is software', () => {
    expect(backendDescription(t, 'WebGPU (nvidia ampere)')).toBe('WebGPU on the graphics card (nvidia ampere)')
    expect(backendDescription(t, 'WebGPU (apple metal-3)')).toBe('WebGPU on the graphics card (apple metal-3)')
    expect(backendDescription(t, 'WebGPU (google swiftshader, software)')).toBe('WebGPU in software (google swiftshader; the processor, not a graphics card)')
  })
  it('keeps the other backends as before', () => {
    expect(backendDescription(t, 'WebAssembly (SIMD, 2 threads)')).toBe('WebAssembly, fast (SIMD), 2 thread(s)')
    expect(backendDescription(t, 'TensorFlow native (GPU)')).toBe('TensorFlow on the graphics card')
    expect(backendName(t, 'webgpu')).toBe('WebGPU')
  })
  it('in Chinese too', () => {
    const zh = tr('zh-CN')
    expect(backendDescription(zh, 'WebGPU (nvidia ampere)')).toBe('显卡上的 WebGPU（nvidia ampere）')
    expect(backendDescription(zh, 'WebGPU (google swiftshader, software)')).toBe('软件模拟的 WebGPU（google swiftshader；在处理器上运行，不是显卡）')
  })
  it("a run shows its recorded description with the adapter, else its backend's name", () => {
    expect(runBackendLabel(t, { backend: 'webgpu', backendDetail: 'WebGPU (amd rdna-3)' })).toBe('WebGPU on the graphics card (amd rdna-3)')
    expect(runBackendLabel(t, { backend: 'wasm', backendDetail: null })).toBe('WebAssembly')
    expect(runBackendLabel(t, { backend: null })).toBeNull()
  })
})
