import { afterEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../src/renderer/src/i18n'
import { guessTableColumns } from '../../src/shared/table-guess'

afterEach(() => setLocale('en'))

describe("the column guesser's reasons in the UI", () => {
  it('words every rule in English exactly as the guesser does, and in Chinese', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      n: String(i + 1),
      id: `x${(i * 13) % 31}`,
      code: `c-${i * 7}`,
      size: String((i * 37) % 11),
      mostly: i === 5 ? 'oops' : String(i / 2),
      colour: ['red', 'blue'][i % 2]!,
      note: `this is note number ${i} about things`,
      empty: '',
      split: ['train', 'test'][i % 2]!,
      outcome: ['yes', 'no'][i % 3 === 0 ? 0 : 1]!,
    }))
    const columns = Object.keys(rows[0]!)
    const guesses = guessTableColumns(columns, rows)
    const codes = new Set(guesses.map((g) => g.why?.code))
    expect([...codes].sort()).toEqual(['allUnique', 'categorical', 'counting', 'empty', 'idName', 'labelNamed', 'mostlyNumeric', 'numeric', 'sentences'])
    for (const g of guesses) {
      setLocale('en')
      expect(i18n.global.t(`datasets.columnWhy.${g.why!.code}`, g.why!.params ?? {})).toBe(g.reason)
      setLocale('zh-CN')
      expect(i18n.global.t(`datasets.columnWhy.${g.why!.code}`, g.why!.params ?? {})).not.toBe(g.reason)
    }
    // The import's own overrides (tests/main/services/table-datasets.test.ts checks their English sentences there).
    setLocale('en')
    expect(i18n.global.t('datasets.columnWhy.userChose', { role: 'id' })).toBe('You chose it as id.')
    expect(i18n.global.t('datasets.columnWhy.split')).toBe('It says which split (train, validation, test) each row belongs to; it is left out.')
    expect(i18n.global.t('datasets.columnWhy.wasLabel')).toBe('It was the label; mark it numeric or categorical to learn from it.')
  })
})
