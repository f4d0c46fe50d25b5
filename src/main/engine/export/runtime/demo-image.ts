// The demo page's image input (browser): a picked file is drawn on a canvas the way the app prepares images
// (transparency on white, the centre square cropped, resized to the model's size), its pixels read with
// getImageData (grey as Rec. 709 luma for a 1-channel model), and the result drawn with the attention rollout
// over the patches. The browser's resampling is not libvips': probabilities for a resized photo can differ a
// little from the app's; pixels already at the model's size are read exactly.
import type { ImageInput } from './image-input'

// The few DOM types used (the file is type-checked with the Node sources, which have no DOM library).
interface Ctx {
  fillStyle: string
  imageSmoothingQuality: string
  fillRect(x: number, y: number, w: number, h: number): void
  drawImage(src: unknown, ...args: number[]): void
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
}
interface Canvas {
  width: number
  height: number
  id: string
  getContext(kind: '2d'): Ctx
}
interface Bitmap {
  width: number
  height: number
  close(): void
}
interface Doc {
  createElement(tag: 'canvas'): Canvas
}
type FileInput = { files: ArrayLike<unknown> | null; addEventListener(type: string, cb: () => void): void }

/** Wires the file input: each picked image becomes the JSON of its pixels in `text`, then `changed` runs. */
export function wireImageInput(doc: Doc, decode: (file: unknown) => Promise<Bitmap>, file: FileInput, im: ImageInput, text: { value: string }, changed: () => void, fail: (message: string) => void): { last: () => Canvas | null } {
  let last: Canvas | null = null
  file.addEventListener('change', () => {
    const f = file.files?.[0]
    if (!f) return
    decode(f).then(
      (bmp) => {
        const S = im.size
        const canvas = doc.createElement('canvas')
        canvas.width = S
        canvas.height = S
        const ctx = canvas.getContext('2d')
        ctx.fillStyle = '#ffffff'
        ctx.fillRect(0, 0, S, S)
        ctx.imageSmoothingQuality = 'high'
        const side = Math.min(bmp.width, bmp.height)
        ctx.drawImage(bmp, (bmp.width - side) / 2, (bmp.height - side) / 2, side, side, 0, 0, S, S) // centre square -> S x S
        bmp.close()
        const rgba = ctx.getImageData(0, 0, S, S).data // [S, S, 4]
        const px: number[] = []
        for (let i = 0; i < S * S; i++) {
          const [r, g, b] = [rgba[i * 4]!, rgba[i * 4 + 1]!, rgba[i * 4 + 2]!]
          if (im.channels === 1) px.push(Math.round(0.2126 * r + 0.7152 * g + 0.0722 * b))
          else px.push(r, g, b)
        }
        last = canvas
        text.value = JSON.stringify(px)
        changed()
      },
      (err: unknown) => fail(`The file could not be read as an image: ${(err as Error).message ?? String(err)}`),
    )
  })
  return { last: () => last }
}

/** A 256 x 256 view of the image as the model saw it, with the rollout over the patches laid on top. */
export function attentionView(doc: Doc, source: Canvas | null, im: ImageInput, rollout: number[]): Canvas {
  const view = doc.createElement('canvas')
  view.id = 'view'
  view.width = 256
  view.height = 256
  const ctx = view.getContext('2d')
  if (source) ctx.drawImage(source, 0, 0, 256, 256)
  const G = im.size / im.patch
  const cell = 256 / G
  const max = Math.max(...rollout, 1e-12)
  rollout.forEach((v, n) => {
    ctx.fillStyle = `rgba(255, 140, 0, ${((0.65 * v) / max).toFixed(3)})`
    ctx.fillRect((n % G) * cell, Math.floor(n / G) * cell, cell, cell)
  })
  return view
}
