// The safetensors reader: header parsing with range checks, F32 / F16 / BF16 to float32, refusals.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openCheckpointFolder } from '../../../../src/main/engine/bases/checkpoint-folder'
import { CheckpointError, readSafetensorsHeader, TensorReader } from '../../../../src/main/engine/bases/safetensors'

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'bases')
const dir = mkdtempSync(join(tmpdir(), 'safetensors-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Writes a safetensors file from raw tensor bytes (the format by hand, as the spec describes it). */
function write(name: string, tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>, headerPatch?: (h: Record<string, unknown>) => void): string {
  const header: Record<string, unknown> = {}
  let off = 0
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.bytes.length] }
    off += t.bytes.length
  }
  headerPatch?.(header)
  const h = Buffer.from(JSON.stringify(header))
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(h.length))
  const path = join(dir, name)
  writeFileSync(path, Buffer.concat([len, h, ...Object.values(tensors).map((t) => Buffer.from(t.bytes))]))
  return path
}

const u16 = (...v: number[]) => new Uint8Array(new Uint16Array(v).buffer)

describe('safetensors reader', () => {
  it('converts F16 and BF16 bit patterns to the float32 values they stand for', () => {
    const path = write('halves.safetensors', {
      h: { dtype: 'F16', shape: [6], bytes: u16(0x3c00, 0xc100, 0x0001, 0x7bff, 0x8000, 0x3555) },
      b: { dtype: 'BF16', shape: [2, 2], bytes: u16(0x3f80, 0xc020, 0x4049, 0x0000) },
      f: { dtype: 'F32', shape: [2], bytes: new Uint8Array(new Float32Array([3.25, -1e-20]).buffer) },
    })
    const { entries } = readSafetensorsHeader(path)
    const r = new TensorReader()
    const byName = Object.fromEntries(entries.map((e) => [e.name, Array.from(r.read(e))]))
    r.close()
    expect(byName.h).toEqual([1, -2.5, 2 ** -24, 65504, -0, 0.333251953125])
    expect(byName.b).toEqual([1, -2.5, 3.140625, 0])
    expect(byName.f).toEqual([3.25, Math.fround(-1e-20)])
  })

  it('refuses a header whose byte ranges do not match the shapes, naming the tensor', () => {
    const path = write('bad.safetensors', { w: { dtype: 'F32', shape: [3], bytes: new Uint8Array(8) } })
    expect(() => readSafetensorsHeader(path)).toThrow(/tensor w's bytes do not match its shape \[3\]/)
  })

  it('refuses a file that is not safetensors at all', () => {
    const path = join(dir, 'not.safetensors')
    writeFileSync(path, 'PK\u0003\u0004 this is a zip, not a checkpoint')
    expect(() => readSafetensorsHeader(path)).toThrow(CheckpointError)
  })

  it('refuses to read integer tensors as weights but lists them', () => {
    const path = write('ints.safetensors', { position_ids: { dtype: 'I64', shape: [1, 2], bytes: new Uint8Array(16) } })
    const { entries } = readSafetensorsHeader(path)
    expect(entries[0].dtype).toBe('I64')
    expect(() => new TensorReader().read(entries[0])).toThrow(/position_ids has element type I64/)
  })

  it('lists every tensor of a sharded checkpoint through its index, once', () => {
    const folder = openCheckpointFolder(join(FIXTURES, 'gpt2-tiny'))
    expect(folder.tensors.has('transformer.wte.weight')).toBe(true)
    expect(folder.tensors.has('transformer.ln_f.weight')).toBe(true)
    expect(new Set([...folder.tensors.values()].map((e) => e.file)).size).toBe(2)
    expect(folder.tokenizer.tokenizerJson).toBeTruthy()
  })
})
