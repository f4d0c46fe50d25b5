import { describe, expect, it } from 'vitest'
import { analyze, fitTransformTfidf, TfidfVectorizer } from '../../../../src/main/engine/baseline/tfidf'

// Expected values printed by scikit-learn 1.2 (TfidfVectorizer.build_analyzer, fit_transform).
describe('TF-IDF features', () => {
  it("splits words and character n-grams the way scikit-learn's analyzers do", () => {
    expect(analyze('The cat-sat, a dog_2 x ÉTÉ', { analyzer: 'word', minN: 1, maxN: 2 }, 4000)).toEqual([
      'the', 'cat', 'sat', 'dog_2', 'été', 'the cat', 'cat sat', 'sat dog_2', 'dog_2 été',
    ])
    expect(analyze('Hi  Café x', { analyzer: 'char_wb', minN: 2, maxN: 4 }, 4000)).toEqual([
      ' h', 'hi', 'i ', ' hi', 'hi ', ' hi ', ' c', 'ca', 'af', 'fé', 'é ', ' ca', 'caf', 'afé', 'fé ', ' caf', 'café', 'afé ', ' x', 'x ', ' x ',
    ])
  })

  it('weights terms by sublinear tf x smooth idf and normalises each row to length one', () => {
    const docs = ['the cat sat', 'the dog sat down', 'a cat and a dog']
    const { fitted, rows } = fitTransformTfidf(docs, { blocks: [{ analyzer: 'word', minN: 1, maxN: 1 }], minDf: 1, maxFeatures: 1000, maxChars: 4000 })
    expect(fitted.vocab[0]).toEqual(['and', 'cat', 'dog', 'down', 'sat', 'the'])
    const dense = rows.map((r) => {
      const d = new Array<number>(6).fill(0)
      r.idx.forEach((j, t) => (d[j] = r.val[t]))
      return d
    })
    const expected = [
      [0, 0.57735, 0, 0, 0.57735, 0.57735],
      [0, 0, 0.459854, 0.604652, 0.459854, 0.459854],
      [0.680919, 0.517856, 0.517856, 0, 0, 0],
    ]
    dense.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)))
    // Transforming a text again gives the row fitting produced.
    const again = new TfidfVectorizer(fitted).transform(docs[1])
    expect(Array.from(again.idx)).toEqual(Array.from(rows[1].idx))
  })

  it('keeps only terms seen in min_df texts and ignores unseen terms', () => {
    const { fitted } = fitTransformTfidf(['red apple', 'red pear', 'blue sky'], { blocks: [{ analyzer: 'word', minN: 1, maxN: 1 }], minDf: 2, maxFeatures: 1000, maxChars: 4000 })
    expect(fitted.vocab[0]).toEqual(['red'])
    expect(new TfidfVectorizer(fitted).transform('green grass').idx.length).toBe(0)
  })
})
