import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { hardCodedInTemplates, tables, untranslated } from '../../scripts/untranslated-zh'
import { tempDir } from '../helpers/temp-dirs'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('untranslated zh-CN strings (npm run check:zh)', () => {
  it('finds none in the message tables or the templates', async () => {
    expect(untranslated(root, ...(await tables(root)))).toEqual([])
  })

  it('would report English written into a template', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const fake = tempDir('wb-zh-')
    mkdirSync(join(fake, 'src', 'renderer', 'src'), { recursive: true })
    writeFileSync(join(fake, 'src', 'renderer', 'src', 'X.vue'), '<template><div title="Open the file">Please wait {{ n }}<b>F1</b></div></template>\n')
    expect(hardCodedInTemplates(fake).map((f) => f.text)).toEqual(['Open the file', 'Please wait'])
  })
})
