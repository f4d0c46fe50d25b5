// Decoding images with sharp (libvips): PNG, JPEG, WebP and GIF (first frame) only, recognised by their first
// bytes before the decoder sees them (libvips also reads SVG, PDF, TIFF, HEIF..., which a dataset has no use for
// and which widen what a hostile file can reach). EXIF orientation is applied, transparency is laid on white,
// everything becomes sRGB.
//
// Resizing to the model's square: a centre crop of the largest square, then a resize (sharp's 'cover'). Chosen
// over letterboxing because the model then always sees pixels at one scale with no bars, whose place would change
// with each image's aspect ratio and which the model would have to learn to ignore; it is also what ImageNet-style
// evaluation does. The cost, cropping the ends of a very long image, is what the doctor's mixed-sizes check
// warns about. The exported demo page crops the same way (see export).
import { readFile, stat } from 'node:fs/promises'
import sharp, { type Metadata, type Sharp } from 'sharp'
import { UserError } from '../../shared/api'

/** Image formats a dataset may hold, by the name sharp gives them. */
export const imageFormats = ['png', 'jpeg', 'webp', 'gif'] as const
/** One accepted image format. */
export type ImageFormat = (typeof imageFormats)[number]
/** File name endings the importers look for. */
export const imageExtensions = ['.png', '.jpg', '.jpeg', '.webp', '.gif'] as const

/** Largest image file read (bytes) and largest picture decoded (pixels): a bomb is refused before decoding. */
export const imageLimits = { bytes: 50 * 1024 * 1024, pixels: 50_000_000 } as const

/** What the file's first bytes say it is (null: none of the accepted formats). */
export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  const at = (i: number, s: number[]) => s.every((v, k) => bytes[i + k] === v)
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (at(0, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (at(0, [0x47, 0x49, 0x46, 0x38])) return 'gif' // GIF8
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'webp' // RIFF....WEBP
  return null
}

/** A decoded image: its size as shown (after EXIF rotation) and the bytes it was read from. */
export interface ImageFile {
  format: ImageFormat
  width: number
  height: number
  bytes: Buffer
}

function unreadable(shown: string, why: string): UserError {
  return new UserError(`"${shown}" could not be read as an image: ${why}`)
}

/** Reads and checks an image file: accepted format, size limits, a header the decoder understands. */
export async function readImageFile(path: string, shown = path): Promise<ImageFile> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    throw unreadable(shown, 'the file is missing or cannot be opened.')
  }
  if (size > imageLimits.bytes) throw unreadable(shown, `it is ${Math.round(size / 1e6)} MB; images up to ${imageLimits.bytes / 1024 / 1024} MB are read.`)
  return checkImageBytes(await readFile(path), shown)
}

/** The same checks on bytes already in memory (a dropped or uploaded image). */
export async function checkImageBytes(bytes: Buffer, shown: string): Promise<ImageFile> {
  const format = sniffImage(bytes)
  if (!format) throw unreadable(shown, 'it is not a PNG, JPEG, WebP or GIF file.')
  let meta: Metadata
  try {
    meta = await decoder(bytes).metadata()
  } catch (err) {
    throw unreadable(shown, `the ${format.toUpperCase()} data is damaged (${(err as Error).message}).`)
  }
  const width = meta.autoOrient?.width ?? meta.width
  const height = meta.autoOrient?.height ?? (meta.pageHeight || meta.height)
  if (!width || !height) throw unreadable(shown, 'it has no pixels.')
  return { format, width, height, bytes }
}

// One frame (a GIF's first), EXIF orientation applied, refusing anything damaged or over the pixel limit.
function decoder(bytes: Buffer): Sharp {
  return sharp(bytes, { failOn: 'error', limitInputPixels: imageLimits.pixels, pages: 1, autoOrient: true })
}

/** Pixels of an image resized to the model's square: row-major, channels last, 0..255, `channels` 1 (grey) or 3 (RGB). */
export async function imagePixels(image: ImageFile, size: number, channels: 1 | 3, shown = 'the image'): Promise<Uint8Array> {
  try {
    let pipeline = decoder(image.bytes).flatten({ background: '#ffffff' }).resize(size, size, { fit: 'cover', position: 'centre' })
    pipeline = channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb')
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== channels || data.length !== size * size * channels) throw new Error(`decoded to ${info.channels} channel(s)`)
    return new Uint8Array(data.buffer, data.byteOffset, data.length)
  } catch (err) {
    throw unreadable(shown, `decoding failed (${(err as Error).message}).`)
  }
}

/** Pixels as the image model reads them: float32 in [0, 1]. */
export function toUnitFloats(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255
  return out
}

/** A small PNG of the image (longest side `size` px, aspect kept) for thumbnails in the UI. */
export async function thumbnailPng(image: ImageFile, size = 96): Promise<Buffer> {
  return decoder(image.bytes).flatten({ background: '#ffffff' }).resize(size, size, { fit: 'inside', withoutEnlargement: true }).png().toBuffer()
}
