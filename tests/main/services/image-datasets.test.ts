// Image datasets: a folder with a sub-folder per label, or a CSV naming image files, imported as kind 'image'
// (each row the image's path and its facts: format, size, exact and perceptual fingerprints); a file that
// cannot be read is kept with the reason; refusals in a sentence; web mode's path policy on a CSV's image paths.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatasetService, type DatasetService } from '../../../src/main/services/datasets'
import { createPathPolicy } from '../../../src/main/services/path-policy'
import { createDatasetsRepo } from '../../../src/main/store/datasets-repo'
import { openDb, type Db } from '../../../src/main/store/db'
import { UserError } from '../../../src/shared/api'
import { dbFingerprint, put, tmpDir } from '../data/fixtures'
import { blockImage, writeBlockFolder } from '../../helpers/tiny-images'
import { Rng } from '../../../src/main/engine/rng'
import sharp from 'sharp'

let home: string
let dir: string
let db: Db
let svc: DatasetService

beforeEach(() => {
  home = tmpDir('wb-home-')
  dir = tmpDir()
  db = openDb(join(home, 'workbench.db'))
  svc = createDatasetService({ db, home, emit: () => {}, batchSize: 7 })
})

afterEach(() => {
  svc.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const importPath = (path: string, options?: Parameters<DatasetService['importFile']>[2]) => svc.importFile({ kind: 'path', path }, undefined, options)

/** Every stored row's cells of a dataset's current version. */
function cellsOf(datasetId: string): Record<string, string>[] {
  const repo = createDatasetsRepo(db)
  const v = repo.get(datasetId)!.version!
  return (db.prepare('SELECT cells_json FROM dataset_rows WHERE version_id = ? ORDER BY idx').all(v.id) as { cells_json: string }[]).map((r) => JSON.parse(r.cells_json))
}

async function refused(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = dbFingerprint(db)
  const err = await run().then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(UserError)
  expect((err as Error).message).toMatch(pattern)
  expect(dbFingerprint(db)).toBe(before)
}

describe('image datasets', () => {
  it('imports a folder per label (PNG, JPEG, WebP, GIF) as images, found by auto, with each image fingerprinted', async () => {
    const root = await writeBlockFolder(join(dir, 'blocks'), 8)
    writeFileSync(join(root, 'top', 'broken.png'), 'not really a png')
    const d = await importPath(root, { kind: 'auto' })
    expect(d.kind).toBe('image')
    expect(d.rowCount).toBe(17)
    expect(d.labels).toEqual(['bottom', 'top'])
    expect(d.labelCounts).toEqual({ bottom: 8, top: 9 })
    const page = await svc.preview({ id: d.id, offset: 0, limit: 50 })
    expect(page.rows.map((r) => r.text)).toContain('top/top-1.jpg')
    const cells = cellsOf(d.id)
    const ok = cells.filter((c) => !c.error)
    expect(ok).toHaveLength(16)
    expect(new Set(ok.map((c) => c.format))).toEqual(new Set(['png', 'jpeg', 'webp', 'gif']))
    for (const c of ok) expect(c).toMatchObject({ width: '24', height: '24', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), dhash: expect.stringMatching(/^[0-9a-f]{16}$/) })
    const broken = cells.find((c) => c.error)!
    expect(broken.path).toBe(join(root, 'top', 'broken.png'))
    expect(broken.error).toMatch(/"top\/broken.png" could not be read as an image: it is not a PNG, JPEG, WebP or GIF file/)
    // Thumbnails for the dataset view: small PNGs, or why a row has none.
    const rowsShown = page.rows.filter((r) => r.text === 'top/broken.png' || r.text === 'top/top-1.jpg')
    const thumbs = await svc.thumbnails({ id: d.id, indices: rowsShown.map((r) => r.index) })
    const byName = Object.fromEntries(rowsShown.map((r) => [r.text, thumbs.find((x) => x.index === r.index)!]))
    expect(byName['top/top-1.jpg']!.url).toMatch(/^data:image\/png;base64,/)
    expect(byName['top/broken.png']).toMatchObject({ url: null, error: expect.stringMatching(/could not be read as an image/) })
    // Inspecting the folder suggests images, with the image and label columns.
    const seen = await svc.inspect({ source: { kind: 'path', path: root } })
    expect(seen.kind.kind).toBe('image')
    expect(seen.columns).toEqual(['image', 'label'])
    // The same folder again is the same content.
    expect((await importPath(root, { kind: 'image' })).alreadyImported).toBe(true)
  })

  it('imports a CSV with an image-path column (relative to the CSV) and a label column, splits as declared', async () => {
    const root = await writeBlockFolder(join(dir, 'pics'), 6)
    const lines = ['file,kind,part']
    for (let k = 0; k < 6; k++) {
      const ext = ['png', 'jpg', 'webp', 'gif'][k % 4]
      lines.push(`pics/top/top-${k}.${ext},up,${k < 4 ? 'train' : 'test'}`, `pics/bottom/bottom-${k}.${ext},down,${k < 4 ? 'train' : 'test'}`)
    }
    const d = await importPath(put(dir, 'images.csv', lines.join('\n')), { kind: 'auto' })
    expect(d.kind).toBe('image')
    expect(d.labels).toEqual(['down', 'up'])
    expect(d.splitCounts.test).toBe(4)
    expect(cellsOf(d.id).every((c) => c.path.startsWith(root) && !c.error)).toBe(true)
  })

  it('refuses a folder without images, one label, and a CSV without an image column, changing nothing', async () => {
    mkdirSync(join(dir, 'empty', 'a'), { recursive: true })
    await refused(() => importPath(join(dir, 'empty'), { kind: 'image' }), /hold no images \(.png, .jpg, .jpeg, .webp, .gif\)/)
    const one = await writeBlockFolder(join(dir, 'one'), 3)
    rmSync(join(one, 'bottom'), { recursive: true })
    await refused(() => importPath(one, { kind: 'image' }), /Every image has the label "top": a classifier needs at least two classes/)
    await refused(() => importPath(put(dir, 'no.csv', 'name,label\nx,a\ny,b\n'), { kind: 'image' }), /No column holds image file names/)
    mkdirSync(join(dir, 'bad', 'a'), { recursive: true })
    mkdirSync(join(dir, 'bad', 'b'), { recursive: true })
    writeFileSync(join(dir, 'bad', 'a', 'x.png'), 'no')
    writeFileSync(join(dir, 'bad', 'b', 'y.gif'), 'no')
    await refused(() => importPath(join(dir, 'bad'), { kind: 'image' }), /None of the images could be read/)
  })

  it('doctor: unreadable files, copies under other names (exact, by content), near-duplicates by dHash, mixed sizes; fixes work on images', async () => {
    const root = await writeBlockFolder(join(dir, 'doc'), 6, { size: 32 })
    writeFileSync(join(root, 'top', 'broken.png'), 'not an image')
    copyFileSync(join(root, 'top', 'top-0.png'), join(root, 'top', 'copy-of-top-0.png')) // same bytes, another name
    copyFileSync(join(root, 'top', 'top-4.png'), join(root, 'bottom', 'also-bottom.png')) // same picture, other label
    // A photo-like picture (smooth shading), and the same shrunk and recompressed: a near-duplicate.
    const shade = Buffer.alloc(32 * 32 * 3)
    for (let i = 0; i < 32 * 32; i++) shade.set([(i % 32) * 8, Math.floor(i / 32) * 8, ((i % 32) + Math.floor(i / 32)) * 4], i * 3)
    const scene = await sharp(shade, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer()
    writeFileSync(join(root, 'top', 'scene.png'), scene)
    writeFileSync(join(root, 'top', 'smaller.jpg'), await sharp(scene).resize(24, 24).jpeg({ quality: 80 }).toBuffer())
    writeFileSync(join(root, 'bottom', 'wide.png'), await sharp(await blockImage(false, 32, new Rng(9))).resize(96, 32, { fit: 'fill' }).png().toBuffer())
    const d = await importPath(root, { kind: 'image' })
    const report = await svc.doctor({ id: d.id })
    const byId = Object.fromEntries(report.findings.map((f) => [f.id, f]))
    expect(byId['image-unreadable']).toMatchObject({ count: 1, fixes: [{ id: 'drop-unreadable' }] })
    expect(byId['image-unreadable']!.examples.map((e) => e.text)).toEqual(['top/broken.png'])
    expect(byId['exact-duplicates']?.count).toBe(1) // top-0 and its copy
    expect(byId['conflicting-labels']?.count).toBe(2) // one picture, two labels
    expect(byId['image-near-duplicates']!.examples.map((e) => e.text)).toEqual(['top/scene.png', 'top/smaller.jpg'])
    expect(byId['image-mixed-sizes']!.params).toMatchObject({ long: 1, small: 1 })
    for (const id of ['empty-texts', 'near-duplicates', 'too-long']) expect(byId[id]).toBeUndefined()
    const fixed = await svc.fix({ id: d.id, fixes: ['drop-unreadable', 'dedupe-exact'] })
    expect(fixed.rowCount).toBe(d.rowCount - 2)
    const after = Object.fromEntries((await svc.doctor({ id: d.id })).findings.map((f) => [f.id, f]))
    expect(after['image-unreadable']).toBeUndefined()
    expect(after['exact-duplicates']).toBeUndefined()
  })

  it("in web mode reads a CSV's images only inside the allowed folders", async () => {
    const outside = tmpDir('wb-outside-')
    try {
      const root = await writeBlockFolder(join(outside, 'pics'), 2)
      copyFileSync(join(root, 'top', 'top-0.png'), join(dir, 'inside.png'))
      const policy = createPathPolicy(home, [dir])
      const web = createDatasetService({ db, home, emit: () => {}, checkRead: (p) => policy.check(p, 'read') })
      const csv = put(dir, 'web.csv', `image,label\ninside.png,a\n${join(root, 'bottom', 'bottom-0.png')},b\n`)
      const err = await web.importFile({ kind: 'path', path: csv }, undefined, { kind: 'image' }).then(() => null, (e: Error) => e)
      expect(err?.message).toMatch(/In web mode files are read only from/)
      web.close()
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })
})
