// Reading the images a job names (a run's training, validation and test images) at the run's size: each file's
// bytes checked against the fingerprint taken at import, so a picture replaced or edited since is refused in a
// sentence instead of training on something the dataset does not hold.
import { createHash } from 'node:crypto'
import { UserError } from '../../shared/api'
import type { ImageRef } from '../../shared/trainer-protocol'
import { imagePixels, readImageFile } from './image-decode'

/** Pixels of every image (size x size x channels, 0..255) in order; `names` are the images' shown names. */
export async function readImageRefs(refs: ImageRef[], names: string[], size: number, channels: 1 | 3): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!
    const name = names[i] ?? ref.path
    const image = await readImageFile(ref.path, name).catch((err: Error) => {
      throw new UserError(`${err.message} It was readable when the dataset was imported; put it back or import the folder again.`)
    })
    if (ref.sha256 && createHash('sha256').update(image.bytes).digest('hex') !== ref.sha256) {
      throw new UserError(`"${name}" has changed since the dataset was imported. Import the images again to train on the new version.`)
    }
    out.push(await imagePixels(image, size, channels, name))
  }
  return out
}
