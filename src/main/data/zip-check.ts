// Checks a zip archive (an .xlsx) before a streaming reader trusts it: the central directory is
// whole, every entry sits where the directory says, and every entry inflates to exactly the size
// and CRC-32 it declares, within a cap on the total. Inflating runs in Node's zlib (on the thread
// pool, off the main thread) and nothing is kept: this only counts bytes.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import { createInflateRaw, crc32 } from 'node:zlib'
import { UserError } from '../../shared/api'

/** What one archive may unpack to in all. */
export const maxUnpackedBytes = 2 * 1024 ** 3

interface Entry {
  name: string
  method: number
  crc: number
  packed: number
  size: number
  dataAt: number
}

const broken = (shown: string) =>
  new UserError(`"${shown}" is damaged or incomplete (its zip structure is broken, as when a download or copy was cut short). Open it in Excel and save it again as .xlsx.`)

/** Throws a UserError unless the zip at `path` is whole and every entry inflates as declared. */
export async function assertSoundZip(path: string, size: number, shown: string, cap = maxUnpackedBytes): Promise<void> {
  const entries = await readDirectory(path, size)
  if (!entries) throw broken(shown)
  if (entries.reduce((n, e) => n + e.size, 0) > cap) throw tooLarge(shown, cap)
  let total = 0
  for (const e of entries) {
    if (e.method !== 0 && e.method !== 8) throw new UserError(`"${shown}" uses a zip compression this app cannot read (method ${e.method}). Open it in Excel and save it again as .xlsx.`)
    let crc = 0
    let got = 0
    const counter = new Writable({
      write(chunk: Buffer, _enc, done) {
        got += chunk.length
        total += chunk.length
        if (got > e.size || total > cap) return done(got > e.size ? broken(shown) : tooLarge(shown, cap))
        crc = crc32(chunk, crc)
        done()
      },
    })
    const source = createReadStream(path, { start: e.dataAt, end: e.dataAt + e.packed - 1, highWaterMark: 64 * 1024 })
    try {
      if (e.packed === 0) source.destroy()
      else if (e.method === 8) await pipeline(source, createInflateRaw(), counter)
      else await pipeline(source, counter)
    } catch (err) {
      if (err instanceof UserError) throw err
      throw broken(shown)
    }
    if (got !== e.size || crc >>> 0 !== e.crc >>> 0) throw broken(shown)
  }
}

const tooLarge = (shown: string, cap: number) =>
  new UserError(`"${shown}" unpacks to more than ${Math.round(cap / 1024 ** 3)} GB, more than a workbook this app can import. Save it as CSV, or split it.`)

/** The entries of the central directory, each checked against its local header; null when anything is off. */
async function readDirectory(path: string, size: number): Promise<Entry[] | null> {
  const fh = await open(path, 'r')
  const read = async (at: number, length: number) => {
    const buf = Buffer.alloc(Math.max(0, Math.min(length, size - at)))
    if (buf.length) await fh.read(buf, 0, buf.length, at)
    return buf
  }
  try {
    const span = Math.min(size, 65_536 + 22)
    if (span < 22) return null
    const tail = await read(size - span, span)
    let eocd = -1
    for (let i = span - 22; i >= 0 && eocd < 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) eocd = i
    if (eocd < 0) return null
    const count = tail.readUInt16LE(eocd + 10)
    const cdSize = tail.readUInt32LE(eocd + 12)
    const cdOffset = tail.readUInt32LE(eocd + 16)
    // Zip64 (these fields saturated) is not something Excel writes for a sheet this app can import.
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) return null
    if (cdOffset + cdSize > size - span + eocd || count > 100_000) return null
    const cd = await read(cdOffset, cdSize)
    const entries: Entry[] = []
    let at = 0
    let end = 0
    for (let n = 0; n < count; n++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) return null
      const flags = cd.readUInt16LE(at + 8)
      const method = cd.readUInt16LE(at + 10)
      const crc = cd.readUInt32LE(at + 16)
      const packed = cd.readUInt32LE(at + 20)
      const unpacked = cd.readUInt32LE(at + 24)
      const nameLength = cd.readUInt16LE(at + 28)
      const skip = nameLength + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32)
      const offset = cd.readUInt32LE(at + 42)
      const name = cd.subarray(at + 46, at + 46 + nameLength)
      if (flags & 1) return null // encrypted
      const local = await read(offset, 30 + nameLength)
      if (offset < end || local.length < 30 + nameLength || local.readUInt32LE(0) !== 0x04034b50) return null
      if (!local.subarray(30, 30 + nameLength).equals(name)) return null
      // Without a data descriptor (flag bit 3) the local header repeats the directory's sizes.
      if (!(flags & 8) && (local.readUInt32LE(18) !== packed || local.readUInt32LE(22) !== unpacked)) return null
      const dataAt = offset + 30 + nameLength + local.readUInt16LE(28)
      end = dataAt + packed
      if (end > cdOffset) return null
      if (!name.toString('latin1').endsWith('/')) entries.push({ name: name.toString('utf8'), method, crc, packed, size: unpacked, dataAt })
      at += 46 + skip
    }
    return entries
  } finally {
    await fh.close()
  }
}
