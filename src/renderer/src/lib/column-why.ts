// The column guesser's reason for a column, in the UI's language (its English sentence when the rule is unknown).
import type { ColumnGuess } from '../../../shared/table-guess'

/** `t` is vue-i18n's translate function. */
export function columnWhy(t: (key: string, params?: Record<string, unknown>) => string, c: ColumnGuess): string {
  if (!c.why) return c.reason
  const params: Record<string, unknown> = { ...c.why.params }
  if (typeof params.role === 'string') params.role = t(`datasets.wizard.role.${params.role}`)
  return t(`datasets.columnWhy.${c.why.code}`, params)
}
