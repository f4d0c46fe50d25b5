// Image decoding with sharp: EXIF orientation applied, a GIF's first frame, transparency on white, the centre
// crop to the model's square, grey or RGB; damaged, disguised and foreign files refused in a sentence; the exact
// and perceptual (dHash) fingerprints the doctor compares.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { checkImageBytes, imagePixels, readImageFile, sniffImage, thumbnailPng, toUnitFloats } from '../../../src/main/data/image-decode'
import { dHashOfGrey, exactImageHash, hammingDistance, nearDuplicateBits, perceptualHash } from '../../../src/main/data/image-hash'
import { tempDir } from '../../helpers/temp-dirs'

const dir = tempDir('image-decode-')

/** Raw RGB(A) pixels w x h where `colour(x, y)` gives each pixel. */
function raw(w: number, h: number, colour: (x: number, y: number) => number[], channels: 3 | 4 = 3) {
  const data = Buffer.alloc(w * h * channels)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(colour(x, y), (y * w + x) * channels)
  return sharp(data, { raw: { width: w, height: h, channels } })
}

const red = [255, 0, 0]
const blue = [0, 0, 255]
const near = (px: ArrayLike<number>, at: number, rgb: number[]) => rgb.every((v, k) => Math.abs(px[at + k]! - v) < 40)

describe('decoding images', () => {
  it('applies EXIF orientation before the centre crop and resize', async () => {
    // 40 x 20, left half red, right half blue, tagged "rotate 90 degrees clockwise to show".
    const path = join(dir, 'rotated.jpg')
    writeFileSync(path, await raw(40, 20, (x) => (x < 20 ? red : blue)).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer())
    const image = await readImageFile(path, 'rotated.jpg')
    expect([image.format, image.width, image.height]).toEqual(['jpeg', 20, 40]) // shown upright: tall
    const px = await imagePixels(image, 8, 3)
    expect(px.length).toBe(8 * 8 * 3)
    // Rotated, the red half is on top; the square is cut from the middle (rows 10..29), then shrunk.
    expect(near(px, (1 * 8 + 4) * 3, red)).toBe(true)
    expect(near(px, (6 * 8 + 4) * 3, blue)).toBe(true)
  })

  it("reads a GIF's first frame, lays transparency on white, reads WebP, and gives grey or RGB in [0, 1]", async () => {
    const frames = [await raw(8, 8, () => red).png().toBuffer(), await raw(8, 8, () => blue).png().toBuffer()]
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer()
    const first = await checkImageBytes(gif, 'anim.gif')
    expect([first.format, first.width, first.height]).toEqual(['gif', 8, 8])
    expect(near(await imagePixels(first, 4, 3), 0, red)).toBe(true)

    const clear = await checkImageBytes(await raw(6, 6, (x) => (x < 3 ? [0, 0, 0, 0] : [0, 0, 0, 255]), 4).png().toBuffer(), 'alpha.png')
    const grey = await imagePixels(clear, 6, 1)
    expect(grey.length).toBe(36)
    expect([grey[0], grey[5]]).toEqual([255, 0]) // transparent -> white, opaque black stays black
    expect(Array.from(toUnitFloats(grey.subarray(0, 1)))).toEqual([1])

    const webp = await checkImageBytes(await raw(10, 6, () => blue).webp({ lossless: true }).toBuffer(), 'b.webp')
    expect([webp.format, webp.width, webp.height]).toEqual(['webp', 10, 6])
    expect(near(await imagePixels(webp, 4, 3), 0, blue)).toBe(true)
    const thumb = await thumbnailPng(webp, 96)
    expect(await sharp(thumb).metadata()).toMatchObject({ format: 'png', width: 10, height: 6 }) // never enlarged
  })

  it('refuses missing, disguised, damaged and other-format files in a sentence', async () => {
    await expect(readImageFile(join(dir, 'nope.png'), 'nope.png')).rejects.toThrow('"nope.png" could not be read as an image: the file is missing or cannot be opened.')
    writeFileSync(join(dir, 'text.png'), 'hello, not a picture')
    await expect(readImageFile(join(dir, 'text.png'), 'text.png')).rejects.toThrow(/"text.png" could not be read as an image: it is not a PNG, JPEG, WebP or GIF file/)
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>')
    expect(sniffImage(svg)).toBeNull()
    await expect(checkImageBytes(svg, 'x.svg')).rejects.toThrow(/not a PNG, JPEG, WebP or GIF/)
    // A PNG cut short: in its header, or in its pixel data (the header then reads, decoding refuses).
    const png = await raw(64, 64, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (x ^ y) % 256]).png().toBuffer()
    const decode = async (bytes: Buffer) => {
      try {
        await imagePixels(await checkImageBytes(bytes, 'cut.png'), 8, 3, 'cut.png')
        return 'decoded'
      } catch (err) {
        return (err as Error).message
      }
    }
    expect(await decode(png)).toBe('decoded')
    expect(await decode(png.subarray(0, 30))).toMatch(/^"cut.png" could not be read as an image: the PNG data is damaged/)
    expect(await decode(png.subarray(0, Math.floor(png.length * 0.7)))).toMatch(/^"cut.png" could not be read as an image: decoding failed/)
  })
})

describe('image fingerprints', () => {
  it('hashes each pair of neighbours into one bit (left brighter = 1)', () => {
    const falling = new Uint8Array(72).map((_, i) => 255 - (i % 9) * 20) // every row falls left to right
    expect(dHashOfGrey(falling)).toBe((1n << 64n) - 1n)
    expect(dHashOfGrey(new Uint8Array(72).fill(9))).toBe(0n)
    expect(() => dHashOfGrey(new Uint8Array(10))).toThrow(/72 grey pixels/)
    expect(hammingDistance('ff', '0f')).toBe(4)
  })

  it('finds the same picture resized and re-encoded as near, and a different picture as far', async () => {
    const scene = (x: number, y: number) => [(x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256]
    const png = await raw(64, 48, scene).png().toBuffer()
    const a = await checkImageBytes(png, 'a.png')
    const b = await checkImageBytes(await sharp(png).resize(40, 30).jpeg({ quality: 70 }).toBuffer(), 'b.jpg')
    const c = await checkImageBytes(await raw(64, 48, (x, y) => scene(63 - x, y)).png().toBuffer(), 'c.png')
    const [ha, hb, hc] = await Promise.all([a, b, c].map(perceptualHash))
    expect(hammingDistance(ha!, hb!)).toBeLessThanOrEqual(nearDuplicateBits)
    expect(hammingDistance(ha!, hc!)).toBeGreaterThan(16)
    expect(exactImageHash(a)).not.toBe(exactImageHash(b))
    expect(exactImageHash(a)).toBe(exactImageHash(await checkImageBytes(Buffer.from(png), 'again.png')))
  })
})
