import { afterEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../src/renderer/src/i18n'
import { guessTableColumns } from '../../src/shared/table-guess'
import { planTable } from '../../src/main/services/table-import'

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
    const guesses = [...guessTableColumns(columns, rows), ...planTable({ columnRoles: { colour: 'id' } }, columns, rows).columns]
    const codes = new Set(guesses.map((g) => g.why?.code))
    expect([...codes].sort()).toEqual(['allUnique', 'categorical', 'counting', 'empty', 'idName', 'labelNamed', 'mostlyNumeric', 'numeric', 'sentences', 'split', 'userChose'])
    for (const g of guesses) {
      setLocale('en')
      expect(i18n.global.t(`datasets.columnWhy.${g.why!.code}`, g.why!.params ?? {})).toBe(g.reason)
      setLocale('zh-CN')
      expect(i18n.global.t(`datasets.columnWhy.${g.why!.code}`, g.why!.params ?? {})).not.toBe(g.reason)
    }
  })
})
