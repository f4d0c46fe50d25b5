// Number, duration and size formatting shared by the views.

import { i18n } from '../i18n'

// Unit formatters per locale (building one is costly).
const unitFormats = new Map<string, Intl.NumberFormat>()
function unit(locale: string, u: 'hour' | 'minute' | 'second', n: number): string {
  const key = `${locale}:${u}`
  let f = unitFormats.get(key)
  if (!f) unitFormats.set(key, (f = new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' })))
  return f.format(n)
}

/** "1 h 2 min", "3 min 4 s", "12 s" (in other UI languages through Intl: "1小时 2分钟"); null -> "—". */
export function formatDuration(sec: number | null | undefined, locale: string = String(i18n.global.locale.value)): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—'
  const s = Math.max(0, Math.round(sec))
  const parts: [number, 'hour' | 'minute' | 'second'][] =
    s >= 3600 ? [[Math.floor(s / 3600), 'hour'], [Math.round((s % 3600) / 60), 'minute']] : s >= 60 ? [[Math.floor(s / 60), 'minute'], [s % 60, 'second']] : [[s, 'second']]
  if (locale.startsWith('en')) {
    const short = { hour: 'h', minute: 'min', second: 's' }
    return parts.map(([n, u]) => `${n} ${short[u]}`).join(' ')
  }
  return parts.map(([n, u]) => unit(locale, u, n)).join(' ')
}

/** 0.8312 -> "83.1%". */
export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return `${(x * 100).toFixed(digits)}%`
}

/** A confidence range as "54–70%"; null when there is none. */
export function formatRange(r: { low: number; high: number } | null | undefined): string | null {
  if (!r || !Number.isFinite(r.low) || !Number.isFinite(r.high)) return null
  return `${(r.low * 100).toFixed(0)}–${(r.high * 100).toFixed(0)}%`
}

/** Compact counts: 1234567 -> "1.23M" (in other UI languages through Intl: "123.5万"). */
export function formatCount(n: number | null | undefined, locale: string = String(i18n.global.locale.value)): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (!locale.startsWith('en')) {
    return Math.abs(n) >= 1e4 ? new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n) : new Intl.NumberFormat(locale).format(Math.round(n))
  }
  if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(2)}B`
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`
  return String(Math.round(n))
}

/** Bytes as KB/MB/GB. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${n} B`
}

/** A loss or metric with sensible precision. */
export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2)
  return String(Number(x.toFixed(digits)))
}

// Building a date formatter is costly and the run view re-renders often: keep one per locale.
const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** An ISO date as a short local date-time. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  let f = dateFormats.get(locale)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    dateFormats.set(locale, f)
  }
  return f.format(d)
}
