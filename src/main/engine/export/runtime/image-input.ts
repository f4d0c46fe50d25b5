// An image as an exported image model takes it: the pixels of the image already resized to the model's square
// (centre crop, then resize), row-major, channels last, 0..255, as a JSON list of numbers. Shared by the bundle's
// runtime (predict.mjs, the demo page) and the app's export check.

/** Facts preprocessing.json records about an image model's input. */
export interface ImageInput {
  /** Side of the square the image is resized to, in pixels. */
  size: number
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3
  /** Side of a patch (the model's grid is size / patch). */
  patch: number
  /** The graph input's name: float32 [batch, size * size * channels]. */
  input: string
}

/** The JSON text of an image's pixels. */
export function pixelsText(pixels: ArrayLike<number>): string {
  return JSON.stringify(Array.from(pixels))
}

/** Pixels from their JSON text, or a refusal in a sentence. */
export function parsePixels(text: string, im: ImageInput, shown = 'The image'): Float32Array {
  const n = im.size * im.size * im.channels
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    v = null
  }
  const what = `${shown} should be a list of ${n} numbers 0..255 (${im.size} x ${im.size} pixels x ${im.channels} channel(s), row by row, channels last)`
  if (!Array.isArray(v)) throw new Error(`${what}.`)
  if (v.length !== n) throw new Error(`${what}; it has ${v.length}.`)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const x = v[i] as unknown
    if (typeof x !== 'number' || !(x >= 0 && x <= 255)) throw new Error(`${what}; value ${i + 1} is ${JSON.stringify(x)}.`)
    out[i] = x
  }
  return out
}
