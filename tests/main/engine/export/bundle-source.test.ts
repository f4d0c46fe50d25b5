// A model bundle offered for import is hostile until proven otherwise: zip bombs, lying sizes,
// unknown or escaping names and oversized folders are refused without unpacking them whole.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../../src/shared/api'
import { defaultBundleLimits, readBundleSource } from '../../../../src/main/engine/export/bundle-source'
import { parseBundle } from '../../../../src/main/engine/export/read-bundle'
import { buildZip, text, zeros } from '../../../helpers/zip-builder'
import { tempDir } from '../../../helpers/temp-dirs'

const dir = tempDir('wb-bundle-src-')
const file = (name: string, bytes: Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, bytes)
  return p
}
const model = (bytes: number) => JSON.stringify({ format: 'graph-model', weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [bytes / 4], dtype: 'float32' }] }] })

async function refusal(path: string, limits = defaultBundleLimits): Promise<string> {
  try {
    await readBundleSource(path, limits)
  } catch (err) {
    expect(err).toBeInstanceOf(UserError)
    return (err as Error).message
  }
  throw new Error('the bundle was accepted')
}

/** Largest growth of resident memory while `fn` runs (sampled every 5 ms). */
async function peakGrowth<T>(fn: () => Promise<T>): Promise<number> {
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
  try {
    await fn().catch(() => undefined)
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, process.memoryUsage().rss) - base
}

describe('reading a bundle .zip', () => {
  it('refuses a 1 MB zip of four 256 MB files of zeros before unpacking them, with flat memory', async () => {
    const z = zeros(256)
    const bomb = file('bomb.zip', await buildZip(['model.json', 'workbench.json', 'tokenizer.json', 'w.bin'].map((name) => ({ name, chunks: z }))))
    expect(bomb.length).toBeGreaterThan(0)
    let message = ''
    const growth = await peakGrowth(async () => (message = await refusal(bomb)))
    expect(message).toMatch(/too large to import/)
    expect(growth).toBeLessThan(64 * 1024 ** 2)
  })

  it('counts the bytes that really come out when the zip lies about its sizes', async () => {
    const lie = file('lie.zip', await buildZip([{ name: 'model.json', chunks: zeros(32), declaredSize: 10 }]))
    const limits = { ...defaultBundleLimits, maxJsonBytes: 4 * 1024 ** 2 }
    let message = ''
    const growth = await peakGrowth(async () => (message = await refusal(lie, limits)))
    expect(message).toMatch(/JSON files unpack to more than 4 MB/)
    expect(growth).toBeLessThan(48 * 1024 ** 2)
  })

  it('unpacks only the bundle\'s own file names: other entries and escaping paths are skipped, not inflated', async () => {
    const zip = file(
      'extra.zip',
      await buildZip([
        { name: 'labels.json', chunks: text('["a","b"]') },
        { name: 'evil.bin', chunks: zeros(256) },
        { name: '../model.json', chunks: text('{"escaped":true}') },
        { name: 'a/b/model.json', chunks: text('{"deep":true}') },
      ]),
    )
    const files = await readBundleSource(zip)
    expect([...files.keys()]).toEqual(['labels.json'])
  })

  it('reads the weights only up to the size model.json promises', async () => {
    const zip = file('weights.zip', await buildZip([{ name: 'model.json', chunks: text(model(1024)) }, { name: 'w.bin', chunks: zeros(8) }]))
    expect(await refusal(zip)).toMatch(/its weights unpack to more than 1 MB/)
    const ok = file('weights-ok.zip', await buildZip([{ name: 'bundle/model.json', chunks: text(model(1024)) }, { name: 'bundle/w.bin', chunks: () => [new Uint8Array(1024)] }]))
    const files = await readBundleSource(ok)
    expect(files.get('w.bin')?.length).toBe(1024)
  })

  it('gives back a multi-megabyte weights file byte for byte, deflated or stored, while the thread keeps serving', async () => {
    const bytes = 6 * 1024 * 1024
    const w = new Uint8Array(bytes)
    let s = 1
    for (let i = 0; i < bytes; i++) w[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 28 // 16 values: compressible, not trivial
    const enc = (t: string) => new TextEncoder().encode(t)
    for (const level of [6, 0] as const) {
      const zip = file(`big-${level}.zip`, Buffer.from(zipSync({ 'b/model.json': enc(model(bytes)), 'b/w.bin': w }, { level })))
      let ticks = 0
      const ticker = setInterval(() => ticks++, 1)
      const files = await readBundleSource(zip)
      clearInterval(ticker)
      expect(Buffer.compare(Buffer.from(files.get('w.bin')!), Buffer.from(w))).toBe(0)
      expect([...files.keys()].sort()).toEqual(['model.json', 'w.bin'])
      expect(ticks).toBeGreaterThan(0)
    }
    // Hand-built: the declared sizes from the header, the data in many zlib chunks.
    const hand = file('big-hand.zip', await buildZip([{ name: 'model.json', chunks: text(model(bytes)) }, { name: 'w.bin', chunks: () => [w.subarray(0, bytes / 2), w.subarray(bytes / 2)] }]))
    expect(Buffer.compare(Buffer.from((await readBundleSource(hand)).get('w.bin')!), Buffer.from(w))).toBe(0)
  })

  it('refuses a weights file name that is not a plain name and a model that promises too much', async () => {
    const escape = JSON.stringify({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] })
    expect(await refusal(file('esc.zip', await buildZip([{ name: 'model.json', chunks: text(escape) }])))).toMatch(/not a plain file name/)
    const huge = JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [1e9, 1e9] }] }] })
    expect(await refusal(file('huge.zip', await buildZip([{ name: 'model.json', chunks: text(huge) }])))).toMatch(/weights would take more than/)
  })

  it('refuses a zip with too many entries, an empty file, a non-zip and a truncated zip', async () => {
    const many = await buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `f${i}.txt`, chunks: text('x') })))
    expect(await refusal(file('many.zip', many))).toMatch(/more than 64 files/)
    expect(await refusal(file('empty.zip', Buffer.alloc(0)))).toMatch(/not a model bundle/)
    expect(await refusal(file('text.zip', Buffer.from('hello')))).toMatch(/not a model bundle/)
    const whole = await buildZip([{ name: 'tokenizer.json', chunks: zeros(1) }])
    expect(await refusal(file('cut.zip', whole.subarray(0, 200)))).toMatch(/damaged/)
  })
})

describe('parsing what was read', () => {
  it('refuses files of the right name but the wrong shape (null, a list, a string) as a damaged bundle', async () => {
    for (const [name, body] of [['model.json', 'null'], ['workbench.json', '[1]'], ['model.json', '"x"']]) {
      const others = { 'model.json': '{"format":"graph-model","modelTopology":{"node":[]},"weightsManifest":[{"paths":7,"weights":[]}]}', 'workbench.json': '{"format":"attention-workbench-bundle","version":1,"spec":{"dims":{}},"weights":[],"labels":[]}' }
      const entries = Object.entries({ ...others, [name]: body }).map(([n, t]) => ({ name: n, chunks: text(t) }))
      const zip = file(`shape-${name}-${body.length}.zip`, await buildZip(entries))
      const err = await readBundleSource(zip).then(parseBundle).catch((e: unknown) => e)
      expect(err, `${name}=${body}`).toBeInstanceOf(UserError)
    }
  })
})

describe('reading a bundle folder', () => {
  it('reads only the bundle\'s own files and refuses weights larger than model.json promises', async () => {
    const folder = join(dir, 'folder')
    mkdirSync(folder)
    writeFileSync(join(folder, 'model.json'), model(1024))
    writeFileSync(join(folder, 'w.bin'), Buffer.alloc(4 * 1024 * 1024))
    writeFileSync(join(folder, 'other.txt'), 'not read')
    expect(await refusal(folder)).toMatch(/its weights unpack to more than/)
    writeFileSync(join(folder, 'w.bin'), Buffer.alloc(1024))
    expect([...(await readBundleSource(folder)).keys()].sort()).toEqual(['model.json', 'w.bin'])
  })
})
