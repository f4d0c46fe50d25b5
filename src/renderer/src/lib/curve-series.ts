// The shape of one line in a curve chart, shared by the chart and the code that builds series.

/** One line: x/y pairs, a name for the legend. */
export interface CurveSeries {
  name: string
  data: [number, number][]
  color?: string
  dashed?: boolean
  /** Draw dots (for sparse series like per-epoch validation). */
  symbols?: boolean
  /** Leave out of the legend (e.g. the raw line behind a smoothed one). */
  noLegend?: boolean
}
