// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { useExportsStore } from '../../src/renderer/src/stores/exports'
import type { FakeApi } from './fake-api'
import { freshApp } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

describe('exports store', () => {
  it('exports the chosen run and keeps the verification result', async () => {
    const store = useExportsStore()
    store.runId = 'r1'
    store.formats = ['tfjs', 'onnx']
    await store.exportRun()
    expect(store.error).toBeNull()
    expect(store.result?.verification.ok).toBe(true)
    expect(fake.calls.filter((c) => c.name === 'exports.create').map((c) => c.input)).toEqual([{ runId: 'r1', formats: ['tfjs', 'onnx'], outDir: undefined }])
  })

  it('asks to open the export folder and shows why when it cannot', async () => {
    const store = useExportsStore()
    expect(await store.openFolder()).toBe(false) // nothing exported yet: nothing asked
    expect(fake.calls.some((c) => c.name === 'exports.openFolder')).toBe(false)
    store.runId = 'r1'
    await store.exportRun()
    expect(await store.openFolder()).toBe(false)
    expect(fake.calls.find((c) => c.name === 'exports.openFolder')?.input).toEqual({ path: store.result!.outDir })
    expect(store.openMessage).toMatch(/file manager/)
  })

  it('shows a refused folder as a plain message', async () => {
    const store = useExportsStore()
    store.runId = 'r1'
    await store.exportRun()
    fake.failWith('exports.openFolder', "That folder is not one of this app's verified exports.", 'not_found')
    expect(await store.openFolder()).toBe(false)
    expect(store.openMessage).toMatch(/not one of this app's verified exports/)
  })

  it('remembers an export (so Home stops pointing at Export), gives download links for the last export and picks a folder', async () => {
    localStorage.removeItem('wb.exported')
    const store = useExportsStore()
    expect(store.exportedOnce).toBe(false)
    expect(store.downloadUrl('model.json')).toBeNull()
    store.runId = 'r1'
    await store.exportRun()
    expect(store.exportedOnce).toBe(true)
    expect(localStorage.getItem('wb.exported')).toBe('1')
    expect(store.downloadUrl('model-bundle.zip')).toBe(`/download?dir=${encodeURIComponent(store.result!.outDir)}&file=model-bundle.zip`)
    store.ensureZip()
    expect(store.formats).toContain('zip')
    await store.pickFolder()
    expect(store.outDir).toBe('/home/u/picked')
  })
})
