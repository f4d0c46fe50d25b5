// Draws resources/icons/icon.png: a 6x6 attention map (a bright diagonal band, as a causal
// head often shows) on a rounded blue tile. Run with: npx tsx scripts/make-icon.ts
import { writeFileSync } from 'node:fs'
import { encodePng } from '../src/main/engine/export/png'

const size = 512
const rgb = new Uint8Array(size * size * 3)
const bg = [0xf4, 0xf6, 0xfa]
const tile = [0x2b, 0x6f, 0xd6]
const radius = 96
const n = 6
const margin = 88
const cell = (size - 2 * margin) / n
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    // Rounded-corner mask of the tile.
    const cx = Math.min(Math.max(x, radius), size - 1 - radius)
    const cy = Math.min(Math.max(y, radius), size - 1 - radius)
    const inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
    let c = inside ? tile : bg
    const i = Math.floor((y - margin) / cell)
    const j = Math.floor((x - margin) / cell)
    const gap = 6
    const inCell = inside && i >= 0 && j >= 0 && i < n && j < n && (x - margin) % cell > gap && (y - margin) % cell > gap
    if (inCell) {
      // Attention weight: strongest on the diagonal, fading with distance, a little on token 0.
      const w = j > i ? 0.08 : Math.max(0.15, 1 - 0.3 * (i - j)) * (j === 0 ? 1 : 0.95)
      c = [255, 255, 255].map((v, k) => Math.round(tile[k] + (v - tile[k]) * w))
    }
    rgb.set(c, (y * size + x) * 3)
  }
}
writeFileSync('resources/icons/icon.png', encodePng(size, size, rgb))
console.log('wrote resources/icons/icon.png')
