// Writing and reading named float32 arrays, atomically: data goes to a temporary file that is
// flushed and then renamed over the target, so a crash leaves either the old file or the new one.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { processAlive } from './process-alive'

/** One stored array. */
export interface NamedArray {
  shape: number[]
  data: Float32Array
}

/** Where an array sits in a weights buffer (byte offsets). */
export interface ArrayEntry {
  name: string
  shape: number[]
  dtype: 'float32'
  offset: number
  byteLength: number
}

/** Concatenates arrays into one buffer and a manifest of where each one is. */
export function packArrays(arrays: Map<string, NamedArray>): { manifest: ArrayEntry[]; buffer: Buffer } {
  const manifest: ArrayEntry[] = []
  let offset = 0
  for (const [name, a] of arrays) {
    manifest.push({ name, shape: a.shape, dtype: 'float32', offset, byteLength: a.data.byteLength })
    offset += a.data.byteLength
  }
  const buffer = Buffer.alloc(offset)
  for (const e of manifest) {
    const a = arrays.get(e.name)!
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).copy(buffer, e.offset)
  }
  return { manifest, buffer }
}

/** Reads arrays back from a buffer using a manifest; checks sizes so a damaged file is refused. */
export function unpackArrays(manifest: ArrayEntry[], buffer: Buffer): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>()
  for (const e of manifest) {
    const size = e.shape.reduce((a, b) => a * b, 1)
    if (e.byteLength !== size * 4 || e.offset + e.byteLength > buffer.length) {
      throw new Error(`stored array ${e.name} is truncated or does not match its shape`)
    }
    // Copy so the array is aligned and independent of the file buffer.
    const data = new Float32Array(size)
    Buffer.from(data.buffer).set(buffer.subarray(e.offset, e.offset + e.byteLength))
    out.set(e.name, { shape: e.shape, data })
  }
  return out
}

/**
 * Writes bytes to `path` so that a crash or a full disk never leaves a half-written file under that
 * name: a temporary file beside it is written and flushed (fsync), renamed over `path`, and the
 * folder is flushed too so the rename itself survives a power cut. On any error the temporary file
 * is removed and `path` keeps its previous contents.
 */
export function writeFileAtomic(path: string, ...parts: (Buffer | string)[]): void {
  const tmp = `${path}.tmp-${process.pid}`
  removeDeadTemps(path)
  try {
    const fd = openSync(tmp, 'w')
    try {
      for (const p of parts) {
        const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p
        let off = 0
        while (off < b.length) off += writeSync(fd, b, off, b.length - off)
      }
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  syncFolder(dirname(path))
}

/** Temporary files for `path` left by a process that was killed mid-write (its pid is gone). */
function removeDeadTemps(path: string): void {
  const prefix = `${basename(path)}.tmp-`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length))
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue
    rmSync(join(dirname(path), name), { force: true })
  }
}

/** Flush a folder's entries (a rename into it) to disk; not possible on Windows, where it is skipped. */
export function syncFolder(dir: string): void {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // some file systems cannot fsync a folder; the file itself is already flushed
  } finally {
    closeSync(fd)
  }
}

/** Single-file container: 'AWT1', u32 header length, JSON header (with the manifest), then the data. */
export function writeContainer(path: string, header: Record<string, unknown>, arrays: Map<string, NamedArray>): void {
  const { manifest, buffer } = packArrays(arrays)
  let json = Buffer.from(JSON.stringify({ ...header, arrays: manifest }), 'utf8')
  const pad = (4 - ((8 + json.length) % 4)) % 4
  if (pad) json = Buffer.concat([json, Buffer.from(' '.repeat(pad))])
  const head = Buffer.alloc(8)
  head.write('AWT1', 0, 'ascii')
  head.writeUInt32LE(json.length, 4)
  writeFileAtomic(path, head, json, buffer)
}

/** Reads a container written by writeContainer. */
export function readContainer<H>(path: string): { header: H; arrays: Map<string, NamedArray> } {
  const file = readFileSync(path)
  if (file.length < 8 || file.toString('ascii', 0, 4) !== 'AWT1') throw new Error('not a checkpoint file written by this app')
  const len = file.readUInt32LE(4)
  if (8 + len > file.length) throw new Error('the checkpoint file is truncated')
  const header = JSON.parse(file.toString('utf8', 8, 8 + len)) as H & { arrays: ArrayEntry[] }
  return { header, arrays: unpackArrays(header.arrays, file.subarray(8 + len)) }
}
