import { describe, expect, it } from 'vitest'
import { allowPermission, type PermissionFacts } from '../../src/main/permissions'

const camera = (over: Partial<PermissionFacts> = {}): PermissionFacts => ({ requestingUrl: 'file:///app/out/renderer/index.html', isMainFrame: true, mediaTypes: ['video'], ...over })

describe('desktop permission check', () => {
  it('allows the camera (video only) to our main frame, packaged and in development', () => {
    expect(allowPermission('media', camera(), undefined)).toBe(true)
    expect(allowPermission('media', camera({ requestingUrl: 'http://localhost:5173/#/runs/r1' }), 'http://localhost:5173/')).toBe(true)
  })

  it('refuses the microphone, with or without the camera, and a media request that names no kind', () => {
    expect(allowPermission('media', camera({ mediaTypes: ['audio'] }), undefined)).toBe(false)
    expect(allowPermission('media', camera({ mediaTypes: ['video', 'audio'] }), undefined)).toBe(false)
    expect(allowPermission('media', camera({ mediaTypes: [] }), undefined)).toBe(false)
    expect(allowPermission('media', camera({ mediaTypes: undefined }), undefined)).toBe(false)
  })

  it('refuses other origins, a look-alike port, and sub-frames', () => {
    expect(allowPermission('media', camera({ requestingUrl: 'https://example.com/' }), undefined)).toBe(false)
    expect(allowPermission('media', camera({ requestingUrl: 'http://localhost:5174/' }), 'http://localhost:5173/')).toBe(false)
    expect(allowPermission('media', camera({ requestingUrl: 'file:///app/out/renderer/index.html' }), 'http://localhost:5173/')).toBe(false)
    expect(allowPermission('media', camera({ requestingUrl: 'not a url' }), 'http://localhost:5173/')).toBe(false)
    expect(allowPermission('media', camera({ isMainFrame: false }), undefined)).toBe(false)
    expect(allowPermission('media', camera({ isMainFrame: undefined }), undefined)).toBe(false)
  })

  it('refuses every other permission, even from our main frame', () => {
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'midi', 'openExternal', 'fullscreen', 'pointerLock', 'display-capture']) {
      expect(allowPermission(p, camera(), undefined)).toBe(false)
    }
  })
})
