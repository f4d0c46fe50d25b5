// Predictions of an image model for images sent as data URLs (the try-it box and the terminal send an image
// that way through the same predict call as texts): decoded and resized as in training, then through the model.
import { UserError } from '../../shared/api'
import type { Prediction } from '../../shared/domain'
import { checkImageBytes, imagePixels } from '../data/image-decode'
import type { LoadedModel } from '../engine'
import { predictImages } from '../engine/predict-image'
import { parsePixels } from '../engine/export/runtime/image-input'

/** Largest image accepted in a data URL (bytes after decoding). */
const maxImageBytes = 20 * 1024 * 1024

/** The bytes of a `data:image/...;base64,...` URL, or a refusal in a sentence. */
export function imageBytesOf(dataUrl: string): Buffer {
  const m = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/=\s]+)$/i.exec(dataUrl.trim())
  if (!m) throw new UserError('This model reads images: send a PNG, JPEG, WebP or GIF image (as a data:image/...;base64 URL), not text.')
  const bytes = Buffer.from(m[1]!, 'base64')
  if (bytes.length > maxImageBytes) throw new UserError(`The image is ${Math.round(bytes.length / 1e6)} MB; images up to ${maxImageBytes / 1024 / 1024} MB are read.`)
  return bytes
}

/**
 * Classifies images given as data URLs, or as their pixels at the model's size in a JSON list (what an exported
 * bundle's check inputs hold, so an imported bundle is checked like any other); with `attention`, adds where [CLS] looked.
 */
export async function predictImageUrls(m: LoadedModel, urls: string[], attention: boolean): Promise<Prediction[]> {
  const im = m.model.spec.dims.image
  if (!im) throw new UserError('This model reads text, not images.')
  const pixels: Uint8Array[] = []
  for (const [i, url] of urls.entries()) {
    const shown = urls.length > 1 ? `Image ${i + 1}` : 'The image'
    if (url.trim().startsWith('[')) {
      try {
        pixels.push(Uint8Array.from(parsePixels(url, { ...im, input: '' }, shown)))
      } catch (err) {
        throw new UserError((err as Error).message)
      }
      continue
    }
    const image = await checkImageBytes(imageBytesOf(url), urls.length > 1 ? `image ${i + 1}` : 'the image')
    pixels.push(await imagePixels(image, im.size, im.channels))
  }
  return predictImages(m, pixels, { attention }).map((p) => ({
    label: p.label,
    probabilities: p.probabilities,
    ...(p.attention ? { image: { grid: p.attention.grid, rollout: p.attention.rollout, heads: p.attention.heads } } : {}),
  }))
}
