// Draws the API's chart spec (a Vega-Lite subset) as SVG through chart-model.ts.
import { buildScene, HEIGHT, MARGIN, WIDTH } from '../chart/chart-model'

export function Chart(props: { spec: unknown; labelOf?: (field: string) => string }) {
  const scene = buildScene(props.spec, props.labelOf)
  if (!scene) return null
  const description = (props.spec as { description?: string }).description ?? ''
  const label = `Chart: ${description}`
  if (scene.mark === 'number') {
    return (
      <figure class="chart big-number" role="img" aria-label={`${label}. ${scene.label}: ${scene.text}`}>
        <div class="big-value" aria-hidden="true">{scene.text}</div>
        <div class="big-label" aria-hidden="true">{scene.label}</div>
      </figure>
    )
  }
  const plotBottom = HEIGHT - MARGIN.bottom
  return (
    <figure class="chart" role="img" aria-label={label}>
      {scene.series.length > 1 && (
        <ul class="legend" aria-hidden="true">
          {scene.series.map((s, i) => (
            <li key={s.name}><span class="swatch" style={{ background: s.color }} />{s.name}{scene.mark === 'dual' ? (i === 0 ? ' (left axis)' : ' (right axis)') : ''}</li>
          ))}
        </ul>
      )}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
        {scene.yTicks.map((t, i) => (
          <g key={i}>
            <line x1={MARGIN.left} x2={scene.plotRight} y1={t.pos} y2={t.pos} class="grid" />
            <text x={MARGIN.left - 8} y={t.pos} class="tick" text-anchor="end" dominant-baseline="middle">{t.label}</text>
          </g>
        ))}
        {scene.y2Ticks?.map((t, i) => (
          <text key={i} x={scene.plotRight + 8} y={t.pos} class="tick" text-anchor="start" dominant-baseline="middle">{t.label}</text>
        ))}
        {scene.xTicks.map((t, i) => (
          <text key={i} x={t.pos} y={plotBottom + 16} class="tick" text-anchor="middle">{t.label}</text>
        ))}
        <text x={MARGIN.left + (scene.plotRight - MARGIN.left) / 2} y={HEIGHT - 6} class="axis-title" text-anchor="middle">{scene.xTitle}</text>
        {scene.yTitle && <text x={12} y={MARGIN.top - 12} class="axis-title">{scene.yTitle}</text>}
        {scene.y2Title && <text x={WIDTH - 12} y={MARGIN.top - 12} class="axis-title" text-anchor="end">{scene.y2Title}</text>}
        {scene.bars.map((b, i) => (
          <rect key={i} x={b.x} y={b.y} width={b.w} height={b.h} fill={b.color} rx={2}><title>{b.title}</title></rect>
        ))}
        {scene.lines.map((s) => (
          <g key={s.name}>
            <polyline points={s.points.map((p) => p.join(',')).join(' ')} fill="none" stroke={s.color} stroke-width={2} />
            {s.points.length <= 60 && s.points.map((p, i) => <circle key={i} cx={p[0]} cy={p[1]} r={3} fill={s.color} />)}
          </g>
        ))}
        <line x1={MARGIN.left} x2={scene.plotRight} y1={plotBottom} y2={plotBottom} class="axis" />
      </svg>
    </figure>
  )
}
