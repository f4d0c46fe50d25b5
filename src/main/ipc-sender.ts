// Who may call the API over IPC: our own window's top-level frame showing our own renderer. An
// iframe (even a same-origin one) or another window is refused, so a page that a renderer bug lets
// load can never reach the services. Kept free of `electron` so it is tested directly.

/** The facts about an IPC message's sender that the check needs (from an IpcMainInvokeEvent). */
export interface SenderFacts {
  /** webContents id of the sender. */
  senderId: number
  /** webContents id of the main window, or null before it exists. */
  mainWindowId: number | null
  /** The frame that sent the message; null when it is gone (navigated away, destroyed). */
  frame: { url: string; processId: number; routingId: number; hasParent: boolean } | null
  /** The sender's main (top-level) frame. */
  mainFrame: { processId: number; routingId: number }
}

/** True only for our window's main frame at our renderer's address (dev server or packaged file). */
export function isTrustedSender(facts: SenderFacts, rendererUrl: string | undefined): boolean {
  if (facts.mainWindowId === null || facts.senderId !== facts.mainWindowId) return false
  const frame = facts.frame
  if (!frame || frame.hasParent) return false
  if (frame.processId !== facts.mainFrame.processId || frame.routingId !== facts.mainFrame.routingId) return false
  return rendererUrl ? sameOrigin(frame.url, rendererUrl) : frame.url.startsWith('file://')
}

function sameOrigin(url: string, expected: string): boolean {
  try {
    return new URL(url).origin === new URL(expected).origin
  } catch {
    return false
  }
}
