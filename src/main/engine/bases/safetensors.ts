// Reads safetensors checkpoints (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw bytes.
// Nothing is executed or unpickled. Tensors are read one at a time with positioned reads (a shard is
// never loaded whole), and F32 / F16 / BF16 values come back as float32.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { basename } from 'node:path'

/** A problem with a checkpoint file that a person can understand (the store is left unchanged). */
export class CheckpointError extends Error {
  override name = 'CheckpointError'
  readonly code = 'bad_input' as const
}

/** One tensor's place in a safetensors file. */
export interface TensorEntry {
  name: string
  dtype: string
  shape: number[]
  file: string
  /** Absolute byte range in the file. */
  begin: number
  end: number
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8, F8_E4M3: 1, F8_E5M2: 1 }
/** Element types converted to float32 on import. */
export const FLOAT_DTYPES = ['F32', 'F16', 'BF16'] as const
const MAX_HEADER = 100 * 1024 * 1024

function readExactly(fd: number, length: number, position: number, file: string): Uint8Array {
  const buf = new Uint8Array(length)
  let done = 0
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done)
    if (n === 0) throw new CheckpointError(`${basename(file)} ends early: it is cut short or damaged.`)
    done += n
  }
  return buf
}

/** The tensors listed in one safetensors file's header, with their byte ranges checked against the file. */
export function readSafetensorsHeader(file: string): { entries: TensorEntry[]; metadata: Record<string, string> } {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    const name = basename(file)
    if (size < 8) throw new CheckpointError(`${name} is too short to be a safetensors file.`)
    const len = Number(new DataView(readExactly(fd, 8, 0, file).buffer).getBigUint64(0, true))
    if (len < 2 || len > MAX_HEADER || 8 + len > size) throw new CheckpointError(`${name} is not a safetensors file (its header length ${len} does not fit the file).`)
    let header: Record<string, unknown>
    try {
      header = JSON.parse(new TextDecoder().decode(readExactly(fd, len, 8, file))) as Record<string, unknown>
    } catch {
      throw new CheckpointError(`${name} is not a safetensors file: its header is not JSON.`)
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw new CheckpointError(`${name} is not a safetensors file: its header is not a JSON object.`)
    const dataStart = 8 + len
    const entries: TensorEntry[] = []
    for (const [tensor, raw] of Object.entries(header)) {
      if (tensor === '__metadata__') continue
      const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
      const dtype = String(info?.dtype)
      const shape = info?.shape
      const off = info?.data_offsets
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0) || !Array.isArray(off) || off.length !== 2) {
        throw new CheckpointError(`${name}: the entry for tensor ${tensor} is damaged.`)
      }
      const [b, e] = off as number[]
      const count = (shape as number[]).reduce((a, d) => a * d, 1)
      if (!(dtype in BYTES)) throw new CheckpointError(`${name}: tensor ${tensor} has an unknown element type ${dtype}.`)
      if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < b || dataStart + e > size || e - b !== count * BYTES[dtype]) {
        throw new CheckpointError(`${name}: tensor ${tensor}'s bytes do not match its shape [${(shape as number[]).join(', ')}] or lie outside the file.`)
      }
      entries.push({ name: tensor, dtype, shape: shape as number[], file, begin: dataStart + b, end: dataStart + e })
    }
    const meta = header.__metadata__
    return { entries, metadata: meta && typeof meta === 'object' ? (meta as Record<string, string>) : {} }
  } finally {
    closeSync(fd)
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
let halfTable: Float32Array | null = null

/** float16 bit patterns -> float32 (a 256 KiB table built once). */
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable
  const t = new Float32Array(65536)
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1
    const e = (h >> 10) & 0x1f
    const m = h & 0x3ff
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15)
  }
  return (halfTable = t)
}

/** Converts raw little-endian bytes of a float tensor to float32. */
export function toFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dtype === 'F32') {
    // Little-endian hosts (all Node targets) with an aligned buffer: the bytes already are the floats.
    if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    const out = new Float32Array(bytes.byteLength / 4)
    for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true)
    return out
  }
  if (dtype === 'F16') {
    const table = halfToFloat()
    const out = new Float32Array(bytes.byteLength / 2)
    for (let i = 0; i < out.length; i++) out[i] = table[dv.getUint16(i * 2, true)]
    return out
  }
  if (dtype === 'BF16') {
    const out = new Float32Array(bytes.byteLength / 2)
    const bits = new Uint32Array(out.buffer)
    for (let i = 0; i < out.length; i++) bits[i] = dv.getUint16(i * 2, true) << 16
    return out
  }
  throw new CheckpointError(`Tensors of type ${dtype} cannot be imported (F32, F16 and BF16 can).`)
}

/** Reads tensors from their files, opening each file once per call. */
export class TensorReader {
  private readonly fds = new Map<string, number>()

  /** One tensor as float32 (refuses non-float element types, naming the tensor). */
  read(entry: TensorEntry): Float32Array {
    if (!(FLOAT_DTYPES as readonly string[]).includes(entry.dtype)) {
      throw new CheckpointError(`Tensor ${entry.name} has element type ${entry.dtype}; only F32, F16 and BF16 weights can be imported.`)
    }
    let fd = this.fds.get(entry.file)
    if (fd === undefined) this.fds.set(entry.file, (fd = openSync(entry.file, 'r')))
    return toFloat32(readExactly(fd, entry.end - entry.begin, entry.begin, entry.file), entry.dtype)
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd)
    this.fds.clear()
  }
}
