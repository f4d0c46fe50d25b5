// Draws resources/icons/icon.png, the app and installer icon: a 6x6 attention map (a bright
// diagonal band, as a causal head often shows) on a rounded blue tile, 1024 x 1024 RGBA with a
// transparent background and anti-aliased corners (electron-builder derives .icns/.ico from it).
// Run with: npx tsx scripts/make-icon.ts
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const size = 1024
const rgba = new Uint8Array(size * size * 4)
const tile = [0x2b, 0x6f, 0xd6]
const inset = 40 // transparent border, so the tile does not touch the edge
const radius = 200
const n = 6
const margin = 200
const cell = (size - 2 * margin) / n
const gap = 12

/** How much of pixel (x, y) lies inside the rounded tile (4x4 supersampling for smooth corners). */
function coverage(x: number, y: number): number {
  let hit = 0
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4
      const py = y + (sy + 0.5) / 4
      const cx = Math.min(Math.max(px, inset + radius), size - inset - radius)
      const cy = Math.min(Math.max(py, inset + radius), size - inset - radius)
      if (px >= inset && py >= inset && px <= size - inset && py <= size - inset && (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2) hit++
    }
  }
  return hit / 16
}

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const a = coverage(x, y)
    let c = tile
    const i = Math.floor((y - margin) / cell)
    const j = Math.floor((x - margin) / cell)
    const inCell = i >= 0 && j >= 0 && i < n && j < n && (x - margin) % cell > gap && (y - margin) % cell > gap
    if (inCell) {
      // Attention weight: strongest on the diagonal, fading with distance, a little on token 0.
      const w = j > i ? 0.08 : Math.max(0.15, 1 - 0.3 * (i - j)) * (j === 0 ? 1 : 0.95)
      c = [255, 255, 255].map((v, k) => Math.round(tile[k] + (v - tile[k]) * w))
    }
    rgba.set([...c, Math.round(a * 255)], (y * size + x) * 4)
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf: Uint8Array): number {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

const raw = Buffer.alloc((size * 4 + 1) * size)
for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1)
const ihdr = Buffer.alloc(13)
ihdr.writeUInt32BE(size, 0)
ihdr.writeUInt32BE(size, 4)
ihdr[8] = 8 // bit depth
ihdr[9] = 6 // colour type: RGBA
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))])
writeFileSync('resources/icons/icon.png', png)
console.log(`wrote resources/icons/icon.png (${size}x${size} RGBA, ${png.length} bytes)`)
