import { describe, expect, it } from 'vitest'
import { shownTokens } from '../../src/renderer/src/lib/token-display'

describe('shownTokens', () => {
  it('shows an unknown piece as the text it replaced, keeps markers apart and drops ## marks', () => {
    const s = shownTokens(['[CLS]', 'the', 'zorblax', '##ing', '[UNK]', 'film'], 'The zorblaxing Qüxyz film')
    expect(s.map((x) => [x.text, x.kind])).toEqual([
      ['[CLS]', 'special'],
      ['the', 'normal'],
      ['zorblax', 'normal'],
      ['ing', 'normal'],
      ['Qüxyz', 'unknown'],
      ['film', 'normal'],
    ])
  })

  it('splits a run of unknown pieces at spaces, and falls back to ? when it cannot tell', () => {
    expect(shownTokens(['[CLS]', 'a', '[UNK]', '[UNK]', 'b'], 'a xx yy b').map((x) => x.text)).toEqual(['[CLS]', 'a', 'xx', 'yy', 'b'])
    expect(shownTokens(['[CLS]', '[UNK]'], '').map((x) => x.text)).toEqual(['[CLS]', '?'])
  })
})
