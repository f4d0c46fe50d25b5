// Extra pretraining text: the paragraphs of a folder's .txt files, in name order; a missing folder, a
// folder without .txt files, one with too many files or over the size limit is refused in a sentence, a
// paragraph is cut at its limit; web mode's path policy checks the folder a run config or a sweep names.
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

  it('refuses a folder with more files than the limit, and cuts a paragraph at its limit', () => {
    const dir = tempDir('wb-pretext-')
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `${i}.txt`), `file ${i} ${'word '.repeat(40)}`)
    expect(() => readPretrainTexts(dir, { files: 3, bytes: 1e6, paragraphChars: 100 })).toThrow(/has 4 \.txt files; at most 3 are read/)
    const texts = readPretrainTexts(dir, { files: 4, bytes: 1e6, paragraphChars: 20 })
    expect(texts).toHaveLength(4)
    expect(texts[0]).toBe('file 0 word word wor')
  })

  it('in web mode the folder a run config names must be an allowed one', () => {
    const home = tempDir('wb-pretext-home-')
    const policy = createPathPolicy(home, [])
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain', pretrain: { textDir: '/etc' } } })).toThrow(/read only from/)
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain', pretrain: { textDir: join(home, 'texts') } } })).not.toThrow()
    // A sweep's candidate folders are checked as well.
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain' }, space: { 'pretrain.textDir': [join(home, 'texts'), '/etc'] } })).toThrow(/read only from/)
    expect(() => policy.checkCall({ datasetId: 'd', config: { task: 'pretrain' }, space: { 'pretrain.textDir': [join(home, 'texts')] } })).not.toThrow()
  })
})
