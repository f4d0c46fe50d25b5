// Every picture the README shows is regenerated from a screenshot the e2e suite still takes.
import { describe, expect, it } from 'vitest'
import { checkMapping, e2eScreenshotNames, readmePictures, readmeScreenshots } from '../../scripts/readme-screenshots'

describe('README screenshots', () => {
  it('each README picture maps to a screenshot an e2e test takes', () => {
    expect(readmePictures().length).toBeGreaterThan(0)
    expect(checkMapping()).toEqual([])
  })

  it('the check notices a picture without a source and a source no test takes', () => {
    const names = e2eScreenshotNames()
    expect(names.has(readmeScreenshots['home.png']!)).toBe(true)
    expect(readmePictures('![x](docs/screenshots/nowhere.png)')).toEqual(['nowhere.png'])
    expect(names.has('no-such-shot.png')).toBe(false)
  })
})
