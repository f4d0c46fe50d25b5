// An image file as the small data URL the predict call takes: EXIF orientation applied, shrunk to fit 160 px
// (the model reads 64 px at most, and the centre crop happens after), JPEG. The desktop try-it box does the
// same in the page before sending.
import { readImageFile } from './image-decode'
import sharp from 'sharp'

/** Side the image is shrunk to fit before it is sent. */
export const sentImageSide = 160

/** `data:image/jpeg;base64,...` of the image at `path`, refused in a sentence when it is not a readable image. */
export async function imageDataUrl(path: string): Promise<string> {
  const image = await readImageFile(path)
  const jpeg = await sharp(image.bytes, { failOn: 'error', pages: 1, autoOrient: true })
    .flatten({ background: '#ffffff' })
    .resize(sentImageSide, sentImageSide, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 92 })
    .toBuffer()
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`
}
