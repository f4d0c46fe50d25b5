// Compose several chart images side by side into one PNG and offer it as a download.

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('image failed to load'))
    img.src = src
  })
}

/** Place `images` (data URLs) in a row under their captions; returns a PNG data URL. */
export async function composePng(images: { src: string; caption: string }[], background: string, color: string): Promise<string> {
  const loaded = await Promise.all(images.map((i) => loadImage(i.src)))
  const pad = 24
  const captionH = 40
  const width = loaded.reduce((w, img) => w + img.width, 0) + pad * (loaded.length + 1)
  const height = Math.max(...loaded.map((i) => i.height)) + captionH + pad * 2
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = background
  ctx.fillRect(0, 0, width, height)
  ctx.fillStyle = color
  ctx.font = '600 24px system-ui, sans-serif'
  let x = pad
  loaded.forEach((img, i) => {
    ctx.fillText(images[i].caption, x, pad + 24, img.width)
    ctx.drawImage(img, x, pad + captionH)
    x += img.width + pad
  })
  return canvas.toDataURL('image/png')
}

/** Save a data URL as a file through the browser's download. */
export function downloadDataUrl(dataUrl: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = dataUrl
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
}
