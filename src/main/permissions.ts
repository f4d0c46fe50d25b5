// Which browser permissions the desktop window gets: the camera (video only) for the image try-it's
// snapshot, asked by our own window's main frame at our renderer's address; everything else (microphone,
// notifications, geolocation, other origins, sub-frames) is refused. Kept free of `electron` so it is tested directly.

/** The facts of a permission request that the check reads (from Electron's request details). */
export interface PermissionFacts {
  /** The address of the frame asking. */
  requestingUrl?: string
  /** False for a sub-frame. */
  isMainFrame?: boolean
  /** For 'media': the kinds asked for ('video', 'audio'). */
  mediaTypes?: string[]
}

/**
 * True only for 'media' asking for video alone, from the main frame at our renderer's origin (the dev
 * server's address in development, a file:// page when packaged: `ourOrigin` undefined).
 */
export function allowPermission(permission: string, details: PermissionFacts, ourOrigin: string | undefined): boolean {
  if (permission !== 'media') return false
  if (details.isMainFrame !== true) return false
  const types = details.mediaTypes ?? []
  if (types.length === 0 || types.some((t) => t !== 'video')) return false
  const url = details.requestingUrl ?? ''
  if (!ourOrigin) return url.startsWith('file://')
  try {
    return new URL(url).origin === new URL(ourOrigin).origin
  } catch {
    return false
  }
}
