import { existsSync, readdirSync, readFileSync, utimesSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import { removeStaleUploads, saveUpload } from '../../../src/main/services/uploads'
import { tempDir } from '../../helpers/temp-dirs'

const dir = () => join(tempDir('wb-uploads-'), 'uploads')

async function* blocks(n: number, size: number) {
  for (let i = 0; i < n; i++) yield new Uint8Array(size).fill(65 + (i % 26))
}

describe('staged uploads', () => {
  it('streams chunks to uploads/<id>/<name> and reports the size', async () => {
    const uploads = dir()
    const { uploadId, size } = await saveUpload(uploads, 'data.csv', blocks(5, 1000))
    expect(size).toBe(5000)
    expect(readFileSync(join(uploads, uploadId, 'data.csv')).length).toBe(5000)
  })

  it('refuses past the limit with 413 and leaves no partial file behind', async () => {
    const uploads = dir()
    const err = await saveUpload(uploads, 'big.csv', blocks(10, 1000), { limit: 4500 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as { status?: number }).status).toBe(413)
    expect(readdirSync(uploads)).toEqual([])
    const declared = await saveUpload(uploads, 'big.csv', blocks(1, 10), { limit: 4500, expectedBytes: 9000 }).catch((e: unknown) => e)
    expect((declared as Error).message).toMatch(/larger than/)
  })

  it('refuses up front an upload the disk has no room for, saying how much to free', async () => {
    const uploads = dir()
    const err = await saveUpload(uploads, 'huge.csv', blocks(1, 10), { limit: 2 ** 60, expectedBytes: 2 ** 55 }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/^The disk is full: .*free \d+ MB/)
  })

  it('refuses names that could leave the folder, and a source that fails midway leaves nothing', async () => {
    const uploads = dir()
    for (const bad of ['../x.csv', 'a/b.csv', '..', '', 'a\u0000b']) await expect(saveUpload(uploads, bad, [new Uint8Array(1)])).rejects.toThrow(/not allowed/)
    async function* broken() {
      yield new Uint8Array(10)
      throw new Error('connection reset')
    }
    await expect(saveUpload(uploads, 'x.csv', broken())).rejects.toThrow(/connection reset/)
    expect(readdirSync(uploads)).toEqual([])
  })

  it('removes uploads older than a day and keeps recent ones', async () => {
    const uploads = dir()
    mkdirSync(join(uploads, 'up_old'), { recursive: true })
    mkdirSync(join(uploads, 'up_new'))
    const dayAndAnHour = (Date.now() - 25 * 3600 * 1000) / 1000
    utimesSync(join(uploads, 'up_old'), dayAndAnHour, dayAndAnHour)
    expect(await removeStaleUploads(uploads)).toBe(1)
    expect(existsSync(join(uploads, 'up_old'))).toBe(false)
    expect(existsSync(join(uploads, 'up_new'))).toBe(true)
  })
})
