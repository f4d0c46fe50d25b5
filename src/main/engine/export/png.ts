// A minimal PNG writer (8-bit RGB, zlib from Node) and the confusion-matrix picture of the model card.
import { deflateSync } from 'node:zlib'

const crcTable = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** Encodes an RGB image (rgb: width * height * 3 bytes, row-major) as PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0 // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type: RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))])
}

// 3 x 5 pixel digits, one string of 15 bits per digit (rows top to bottom).
const DIGITS = ['111101101101111', '010110010010111', '111001111100111', '111001111001111', '101101111001001', '111100111001111', '111100111101111', '111001001001001', '111101111101111', '111101111001111']

/** Renders a confusion matrix (rows = true class, columns = predicted; indices on the axes) as PNG. */
export function confusionMatrixPng(confusion: number[][]): Buffer {
  const C = confusion.length
  const cell = Math.max(16, Math.min(56, Math.floor(720 / Math.max(1, C))))
  const margin = 36
  const width = margin + C * cell + 8
  const height = margin + C * cell + 8
  const img = new Uint8Array(width * height * 3).fill(255)
  const rect = (x0: number, y0: number, w: number, h: number, [r, g, b]: number[]) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) img.set([r, g, b], (y * width + x) * 3)
  }
  const text = (s: string, cx: number, cy: number, scale: number, color: number[]) => {
    const w = s.length * 4 * scale - scale
    let x = Math.round(cx - w / 2)
    const y = Math.round(cy - (5 * scale) / 2)
    for (const ch of s) {
      const bits = DIGITS[Number(ch)]
      for (let i = 0; i < 15; i++) if (bits[i] === '1') rect(x + (i % 3) * scale, y + Math.floor(i / 3) * scale, scale, scale, color)
      x += 4 * scale
    }
  }
  for (let t = 0; t < C; t++) {
    const rowSum = confusion[t].reduce((a, b) => a + b, 0) || 1
    for (let p = 0; p < C; p++) {
      const share = confusion[t][p] / rowSum // row-normalised: recall on the diagonal
      const shade = [Math.round(255 - share * 215), Math.round(255 - share * 160), Math.round(255 - share * 60)]
      const x = margin + p * cell, y = margin + t * cell
      rect(x, y, cell - 1, cell - 1, shade)
      const digits = String(confusion[t][p])
      const scale = cell >= 40 && digits.length <= 3 ? 2 : 1
      if (digits.length * 4 * scale <= cell - 2) text(digits, x + cell / 2, y + cell / 2, scale, share > 0.5 ? [255, 255, 255] : [20, 20, 20])
    }
    const idx = String(t)
    const scale = cell >= 24 ? 2 : 1
    text(idx, margin + t * cell + cell / 2, margin / 2, scale, [60, 60, 60]) // predicted class index (columns)
    text(idx, margin / 2, margin + t * cell + cell / 2, scale, [60, 60, 60]) // true class index (rows)
  }
  return encodePng(width, height, img)
}
