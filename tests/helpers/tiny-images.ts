// Small labelled images for tests: grey noise with a bright block in the top half ("top") or the bottom half
// ("bottom"), written as PNG, JPEG, WebP or GIF files in one sub-folder per label.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { Rng } from '../../src/main/engine/rng'

/** RGB pixels (size x size x 3) of one image of the block task. */
export function blockPixels(top: boolean, size: number, rng: Rng): Buffer {
  const px = Buffer.alloc(size * size * 3)
  for (let i = 0; i < px.length; i++) px[i] = Math.floor(rng.next() * 60)
  const b = Math.max(2, Math.floor(size / 4))
  const y = top ? Math.floor(rng.next() * (size / 2 - b)) : size / 2 + Math.floor(rng.next() * (size / 2 - b))
  const x = Math.floor(rng.next() * (size - b))
  for (let r = y; r < y + b; r++) for (let c = x; c < x + b; c++) px.set([240, 230, 220], (r * size + c) * 3)
  return px
}

/** An encoded image of the block task. */
export async function blockImage(top: boolean, size: number, rng: Rng, format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png'): Promise<Buffer> {
  const img = sharp(blockPixels(top, size, rng), { raw: { width: size, height: size, channels: 3 } })
  return format === 'jpeg' ? img.jpeg({ quality: 95 }).toBuffer() : format === 'webp' ? img.webp({ lossless: true }).toBuffer() : format === 'gif' ? img.gif().toBuffer() : img.png().toBuffer()
}

/** Writes `perClass` images per label under root/top and root/bottom; returns the root. */
export async function writeBlockFolder(root: string, perClass: number, opts: { size?: number; seed?: number } = {}): Promise<string> {
  const rng = new Rng(opts.seed ?? 1)
  const formats = ['png', 'jpeg', 'webp', 'gif'] as const
  for (const label of ['top', 'bottom']) {
    mkdirSync(join(root, label), { recursive: true })
    for (let k = 0; k < perClass; k++) {
      const format = formats[k % formats.length]!
      writeFileSync(join(root, label, `${label}-${k}.${format === 'jpeg' ? 'jpg' : format}`), await blockImage(label === 'top', opts.size ?? 24, rng, format))
    }
  }
  return root
}
