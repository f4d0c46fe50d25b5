// predict.mjs's images (Node only): an argument is the pixels as a JSON list, a .json file holding that list, or
// an image file decoded with sharp when the user has it installed (`npm install sharp`), prepared exactly as the
// app prepared its training images: EXIF rotation applied, first frame, transparency on white, a centre crop of
// the largest square resized to the model's size ('cover'), grey or sRGB.
import { readFileSync } from 'node:fs'
import type { ImageInput } from './image-input'
import { parsePixels, pixelsText } from './image-input'

const imageFile = /\.(png|jpe?g|webp|gif)$/i

/** The JSON list of pixels for one command-line argument (checked; a refusal names the argument). */
export async function imageArgument(arg: string, im: ImageInput): Promise<string> {
  const text = arg.trim()
  if (text.startsWith('[')) return pixelsText(parsePixels(text, im, 'The pixels'))
  if (/\.json$/i.test(text)) return pixelsText(parsePixels(readFileSync(text, 'utf8'), im, `${text}`))
  if (!imageFile.test(text)) throw new Error(`"${arg}" is neither an image file (.png, .jpg, .webp, .gif), a .json file of pixels, nor a JSON list of pixels.`)
  type Sharp = typeof import('sharp').default
  let sharp: Sharp
  try {
    const mod = (await import('sharp')) as unknown as { default?: Sharp }
    sharp = mod.default ?? (mod as unknown as Sharp)
  } catch {
    throw new Error(`Reading ${text} needs the sharp package: run \`npm install sharp\` beside predict.mjs, or give the pixels as JSON (see preprocessing.json).`)
  }
  let pipeline = sharp(readFileSync(text), { failOn: 'error', pages: 1, autoOrient: true }).flatten({ background: '#ffffff' }).resize(im.size, im.size, { fit: 'cover', position: 'centre' })
  pipeline = im.channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb')
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== im.channels) throw new Error(`${text} decoded to ${info.channels} channel(s); the model reads ${im.channels}.`)
  return pixelsText(data)
}
