// Builds .zip files by hand for hostile-input tests: entries whose data is streamed through zlib
// (so a 256 MB entry of zeros never sits in memory) and whose declared sizes may lie.
import { createDeflateRaw, crc32 } from 'node:zlib'

/** One entry: its name, its (uncompressed) content as chunks, and optionally a false declared size. */
export interface ZipEntry {
  name: string
  chunks: () => Iterable<Uint8Array>
  declaredSize?: number
}

/** Deflate `chunks` with zlib; returns compressed bytes, CRC-32 and the real size. */
async function deflate(chunks: Iterable<Uint8Array>): Promise<{ data: Buffer; crc: number; size: number }> {
  const z = createDeflateRaw({ level: 9 })
  const out: Buffer[] = []
  z.on('data', (d: Buffer) => out.push(d))
  const done = new Promise((r) => z.on('end', r))
  let crc = 0
  let size = 0
  for (const c of chunks) {
    crc = crc32(c, crc)
    size += c.length
    if (!z.write(c)) await new Promise((r) => z.once('drain', r))
  }
  z.end()
  await done
  return { data: Buffer.concat(out), crc, size }
}

/** A whole .zip (deflated entries, central directory) as one Buffer. */
export async function buildZip(entries: ZipEntry[]): Promise<Buffer> {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  const cache = new Map<() => Iterable<Uint8Array>, Awaited<ReturnType<typeof deflate>>>()
  for (const e of entries) {
    const d = cache.get(e.chunks) ?? (await deflate(e.chunks()))
    cache.set(e.chunks, d)
    const name = Buffer.from(e.name, 'utf8')
    const size = e.declaredSize ?? d.size
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(d.crc >>> 0, 14)
    local.writeUInt32LE(d.data.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const cd = Buffer.alloc(46)
    cd.writeUInt32LE(0x02014b50, 0)
    cd.writeUInt16LE(20, 4)
    cd.writeUInt16LE(20, 6)
    cd.writeUInt16LE(8, 10)
    cd.writeUInt32LE(d.crc >>> 0, 16)
    cd.writeUInt32LE(d.data.length, 20)
    cd.writeUInt32LE(size, 24)
    cd.writeUInt16LE(name.length, 28)
    cd.writeUInt32LE(offset, 42)
    parts.push(local, name, d.data)
    central.push(cd, name)
    offset += local.length + name.length + d.data.length
  }
  const cdBytes = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cdBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, cdBytes, end])
}

/** `mb` megabytes of zeros, one megabyte at a time. */
export const zeros = (mb: number) =>
  function* () {
    const block = new Uint8Array(1024 * 1024)
    for (let i = 0; i < mb; i++) yield block
  }

/** One chunk holding `text`. */
export const text = (s: string) => () => [Buffer.from(s, 'utf8')]
