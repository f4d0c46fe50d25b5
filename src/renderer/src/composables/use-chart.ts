// Owns one ECharts instance for a component: created on mount, kept in a shallowRef (never in a
// store), redrawn at most every `throttleMs` so live runs never flood the main thread, resized
// with its box, re-created when the theme changes, disposed on unmount.
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { init, type ChartOption, type ECharts } from './echarts'
import { useAppStore } from '../stores/app'

/** Options for useChart. */
export interface UseChartOptions {
  /** Minimum time between redraws (ms). */
  throttleMs?: number
  /** Replace the whole option instead of merging (slower; for charts whose structure changes). */
  notMerge?: boolean
  /** Mouse events to forward, e.g. { click: (p) => ... }. */
  on?: Record<string, (params: unknown) => void>
}

/** Bind a chart to `el`, drawing whatever `option()` returns (null draws nothing). */
export function useChart(el: Ref<HTMLElement | null>, option: () => ChartOption | null, opts: UseChartOptions = {}) {
  const chart = shallowRef<ECharts | null>(null)
  const app = useAppStore()
  const throttleMs = opts.throttleMs ?? 250
  let lastDraw = 0
  let pending: ReturnType<typeof setTimeout> | null = null
  let resizeObserver: ResizeObserver | null = null

  function draw(): void {
    pending = null
    lastDraw = Date.now()
    const c = chart.value
    const o = option()
    if (!c || !o) return
    // Merging and replacing only the series keeps live redraws cheap. Drawing now (not lazily in
    // the next frame) keeps each chart's redraw its own task instead of piling several into one frame.
    // Tooltips stay inside the chart's box, so none runs off the screen at the window's edge.
    const tooltip = o.tooltip && typeof o.tooltip === 'object' && !Array.isArray(o.tooltip) ? { confine: true, ...o.tooltip } : o.tooltip
    c.setOption({ backgroundColor: 'transparent', animation: false, ...o, ...(tooltip ? { tooltip } : {}) }, opts.notMerge ? { notMerge: true } : { replaceMerge: ['series'] })
  }

  function schedule(): void {
    if (pending) return
    const wait = Math.max(0, throttleMs - (Date.now() - lastDraw))
    pending = setTimeout(draw, wait)
  }

  function create(): void {
    if (!el.value) return
    chart.value?.dispose()
    try {
      chart.value = init(el.value, app.theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' })
    } catch (err) {
      // No canvas (e.g. a test DOM): the rest of the view still works.
      console.warn('chart unavailable', err)
      chart.value = null
      return
    }
    for (const [name, handler] of Object.entries(opts.on ?? {})) chart.value.on(name, handler)
    draw()
  }

  let mountTimer: ReturnType<typeof setTimeout> | null = null
  onMounted(() => {
    // Each chart starts in its own task, so a view with several charts does not block in one go.
    mountTimer = setTimeout(() => {
      mountTimer = null
      create()
    }, 0)
    if (typeof ResizeObserver !== 'undefined' && el.value) {
      resizeObserver = new ResizeObserver(() => chart.value?.resize())
      resizeObserver.observe(el.value)
    }
  })
  watch(option, schedule)
  watch(() => app.theme, create)
  onBeforeUnmount(() => {
    if (mountTimer) clearTimeout(mountTimer)
    if (pending) clearTimeout(pending)
    resizeObserver?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })

  /** The chart as a PNG data URL (for "export as PNG"). */
  function toPng(): string | null {
    return chart.value?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: app.theme === 'dark' ? '#18181c' : '#ffffff' }) ?? null
  }

  return { chart, redraw: draw, toPng }
}
