// One wording for a setting's problem, used beside the field and in the summary above Start:
// it names the field and its limits in plain words ("Model width must be between 8 and 1024.").
import { configFields, getPath, rangeProblem, type ConfigField } from './config-fields'

type T = (key: string, params?: Record<string, unknown>) => string
type TE = (key: string) => boolean

/** The field's label in the UI language (its key when no label is translated). */
export function fieldLabel(t: T, te: TE, f: Pick<ConfigField, 'path' | 'key'>): string {
  return te(`fields.${f.path}.label`) ? t(`fields.${f.path}.label`) : f.key
}

/** Parses what was typed into a number field; null when it is not a number. */
export function parseNumber(text: string): number | null {
  const s = text.trim().replace(/，/g, ',').replace(/^(-?\d+),(\d+)$/, '$1.$2')
  if (!s || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null
  const n = Number(s)
  return Number.isFinite(n) ? n : null
}

/** The problem with one field, in words, or null. `badText` holds what was typed where it is not a number. */
export function fieldProblem(t: T, te: TE, f: ConfigField, config: unknown, issues: Record<string, string>, badText: Record<string, string>): string | null {
  const field = fieldLabel(t, te, f)
  if (badText[f.path] !== undefined) {
    return badText[f.path].trim()
      ? t('train.problem.notNumber', { field, text: badText[f.path].trim().slice(0, 20), min: f.min, max: f.max })
      : t('train.problem.required', { field, min: f.min, max: f.max })
  }
  const p = rangeProblem(f, getPath(config, f.path))
  if (p === 'required') return t('train.problem.required', { field, min: f.min, max: f.max })
  if (p === 'integer') return t('train.problem.integer', { field })
  if (p === 'range') return t('train.problem.range', { field, min: f.min, max: f.max })
  return issues[f.path] ?? null
}

/** Every field with a problem, in form order (group, then field). */
export function allProblems(t: T, te: TE, config: unknown, issues: Record<string, string>, badText: Record<string, string>): { field: ConfigField; message: string }[] {
  const out: { field: ConfigField; message: string }[] = []
  for (const f of configFields) {
    const message = fieldProblem(t, te, f, config, issues, badText)
    if (message) out.push({ field: f, message })
  }
  return out
}
