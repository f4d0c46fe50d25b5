import { describe, expect, it } from 'vitest'
import { isTrustedSender, type SenderFacts } from '../../src/main/ipc-sender'

const main = { processId: 7, routingId: 1 }
const facts = (over: Partial<SenderFacts> = {}, frame: Partial<NonNullable<SenderFacts['frame']>> = {}): SenderFacts => ({
  senderId: 3,
  mainWindowId: 3,
  mainFrame: main,
  frame: { url: 'file:///app/out/renderer/index.html', processId: 7, routingId: 1, hasParent: false, ...frame },
  ...over,
})

describe('IPC sender check', () => {
  it('accepts our window\'s main frame showing the packaged renderer', () => {
    expect(isTrustedSender(facts(), undefined)).toBe(true)
  })

  it('refuses a sub-frame of our own window, even one at a file:// address', () => {
    expect(isTrustedSender(facts({}, { hasParent: true }), undefined)).toBe(false)
    expect(isTrustedSender(facts({}, { routingId: 5 }), undefined)).toBe(false)
    expect(isTrustedSender(facts({}, { processId: 8 }), undefined)).toBe(false)
  })

  it('refuses another window, a destroyed frame, and messages before the window exists', () => {
    expect(isTrustedSender(facts({ senderId: 4 }), undefined)).toBe(false)
    expect(isTrustedSender(facts({ frame: null }), undefined)).toBe(false)
    expect(isTrustedSender(facts({ mainWindowId: null }), undefined)).toBe(false)
  })

  it('in development accepts only the dev server\'s origin, not a look-alike port or host', () => {
    const dev = 'http://localhost:5173'
    expect(isTrustedSender(facts({}, { url: 'http://localhost:5173/#/runs' }), dev)).toBe(true)
    expect(isTrustedSender(facts({}, { url: 'http://localhost:51730/' }), dev)).toBe(false)
    expect(isTrustedSender(facts({}, { url: 'http://localhost:5173.evil.test/' }), dev)).toBe(false)
    expect(isTrustedSender(facts({}, { url: 'https://example.com/' }), undefined)).toBe(false)
  })
})
