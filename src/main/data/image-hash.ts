// Fingerprints of images for the doctor: an exact one (SHA-256 of the file's bytes: the same file twice) and a
// perceptual one, the difference hash (dHash, after Neal Krawetz's "Kind of Like That", 2013): the picture shrunk
// to 9 x 8 grey pixels, one bit per pair of horizontal neighbours (1 where the left one is brighter). Resizing,
// re-encoding, mild colour changes and compression keep most of the 64 bits; a different picture flips about half.
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import type { ImageFile } from './image-decode'
import { imageLimits } from './image-decode'

/** Hex SHA-256 of the file's bytes. */
export function exactImageHash(image: ImageFile): string {
  return createHash('sha256').update(image.bytes).digest('hex')
}

/** 64-bit difference hash from 9 x 8 grey pixels (row-major): bit (r * 8 + c) = pixel (r, c) > pixel (r, c + 1). */
export function dHashOfGrey(grey: Uint8Array): bigint {
  if (grey.length !== 72) throw new Error(`dHash reads 9 x 8 = 72 grey pixels, not ${grey.length}.`)
  let h = 0n
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) h = (h << 1n) | (grey[r * 9 + c]! > grey[r * 9 + c + 1]! ? 1n : 0n)
  return h
}

/** The perceptual hash of an image as 16 hex digits (the whole picture squeezed to 9 x 8, orientation applied). */
export async function perceptualHash(image: ImageFile): Promise<string> {
  const grey = await sharp(image.bytes, { failOn: 'error', limitInputPixels: imageLimits.pixels, pages: 1, autoOrient: true })
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer()
  return dHashOfGrey(new Uint8Array(grey.buffer, grey.byteOffset, grey.length)).toString(16).padStart(16, '0')
}

/** Bits that differ between two hex hashes (0..64). */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`)
  let n = 0
  while (x) {
    n += Number(x & 1n)
    x >>= 1n
  }
  return n
}

/** Two images count as near-duplicates at or under this many differing bits of 64 (about 94% alike). */
export const nearDuplicateBits = 4
