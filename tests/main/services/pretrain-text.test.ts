// Extra pretraining text: the paragraphs of a folder's .txt files, in name order; a missing folder, a
// folder without .txt files or one over the size limit is refused in a sentence; web mode's path policy
// checks the folder a run config names like any other path.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPathPolicy } from '../../../src/main/services/path-policy'
import { readPretrainTexts } from '../../../src/main/services/pretrain-text'
import { tempDir } from '../../helpers/temp-dirs'

describe('extra pretraining text', () => {
  it('reads the paragraphs of every .txt file in name order, skipping other files and blank runs', () => {
    const dir = tempDir('wb-pretext-')
    writeFileSync(join(dir, 'b.txt'), 'Second file,\nfirst paragraph.\n\n\n  Second   paragraph. \r\n\r\n')
    writeFileSync(join(dir, 'a.txt'), 'First file.')
    writeFileSync(join(dir, 'notes.md'), 'not text to read')
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'c.txt'), 'in a subfolder')
    expect(readPretrainTexts(dir)).toEqual(['First file.', 'Second file, first paragraph.', 'Second paragraph.'])
  })

  it('refuses a missing folder, a folder without .txt files and one over the size limit', () => {
    const dir = tempDir('wb-pretext-')
    expect(() => readPretrainTexts(join(dir, 'nope'))).toThrow(/cannot be read: choose a folder of \.txt files/)
    expect(() => readPretrainTexts(dir)).toThrow(/has no \.txt files/)
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2000))
    expect(() => readPretrainTexts(dir, { files: 10, bytes: 1000, paragraphChars: 100 })).toThrow(/more than 0 MB/)
    writeFileSync(join(dir, 'big.txt'), '\n\n   \n\n')
    expect(() => readPretrainTexts(dir)).toThrow(/are empty/)
  })

  it('in web mode the folder a run config names must be an allowed one', () => {
    const home = tempDir('wb-pretext-home-')
    const policy = createPathPolicy(home, [])
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain', pretrain: { textDir: '/etc' } } })).toThrow(/read only from/)
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain', pretrain: { textDir: join(home, 'texts') } } })).not.toThrow()
  })
})
