// The error every transport throws: the server's plain-language message plus a machine code.
import type { ErrorCode } from '../../../shared/api'

/** Codes the services answer with; 'network' means the server could not be reached. */
export type ApiErrorCode = ErrorCode | 'network'

/** A failed API call; `message` is written for the user and can be shown as is. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly code: ApiErrorCode = 'internal',
    readonly status = 0,
  ) {
    super(message)
  }
}

/** The message of anything thrown, for showing next to the control that failed. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return typeof err === 'string' ? err : String(err)
}
