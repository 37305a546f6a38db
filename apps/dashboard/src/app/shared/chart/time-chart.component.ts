import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, afterRenderEffect, computed, inject, input, viewChild } from '@angular/core';
import uPlot from 'uplot';
import { ThemeStore } from '../../core/theme/theme.store';
import { ChartData, ChartFormat, formatChartValue, isEmptyChart, isolatedPoints, withAlpha } from './chart.model';
import { UplotStylesComponent } from './uplot-styles.component';

/** Height of the plot in CSS px (the legend adds its line). */
const HEIGHT = 160;

/**
 * A time-series chart drawn with uPlot (canvas: nothing of the data enters the DOM as markup).
 * Colours come from the theme's CSS tokens and the chart is redrawn when the theme or the data
 * changes; it follows its container's width. The accessible name says what it shows, and a
 * "no data" note replaces an empty chart.
 */
@Component({
  selector: 'at-time-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [UplotStylesComponent],
  template: `
    <at-uplot-styles />
    <figure class="chart" [attr.aria-label]="label()" role="img">
      <figcaption class="chart-title">{{ label() }}</figcaption>
      @if (empty()) {
        <p class="no-data muted" data-testid="chart-empty">No data in this range yet.</p>
      }
      <div #plot class="plot" [class.hidden]="empty()" data-testid="chart"></div>
    </figure>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .chart { margin: 0; }
    .chart-title { font-size: 12px; font-weight: 600; color: var(--muted); margin-bottom: 4px; }
    .plot { min-height: 160px; }
    .plot.hidden { display: none; }
    .no-data { display: grid; place-items: center; height: 160px; margin: 0; font-size: 12.5px;
      border: 1px dashed var(--border); border-radius: 6px; }
  `,
})
export class TimeChartComponent {
  private readonly theme = inject(ThemeStore);
  private readonly plot = viewChild.required<ElementRef<HTMLDivElement>>('plot');

  /** What the chart shows (title and accessible name). */
  readonly label = input.required<string>();
  readonly data = input.required<ChartData>();
  /** How values are written on the y axis and in the legend. */
  readonly format = input<ChartFormat>('count');
  /** Draw bars instead of lines (counts per bucket). */
  readonly bars = input(false);

  protected readonly empty = computed(() => isEmptyChart(this.data()));
  private chart: uPlot | null = null;

  constructor() {
    const observer = new ResizeObserver(() => this.resize());
    // After render: the canvas is drawn into the element, which exists once the view is rendered.
    afterRenderEffect((onCleanup) => {
      const element = this.plot().nativeElement;
      this.theme.theme(); // colours are read from CSS: redraw on a theme change
      const data = this.data();
      if (isEmptyChart(data)) return;
      this.chart = new uPlot(this.options(element), [data.x, ...data.series.map((s) => s.values)], element);
      observer.observe(element);
      onCleanup(() => {
        observer.unobserve(element);
        this.chart?.destroy();
        this.chart = null;
      });
    });
    inject(DestroyRef).onDestroy(() => observer.disconnect());
  }

  private resize(): void {
    const element = this.plot().nativeElement;
    if (this.chart && element.clientWidth > 0 && element.clientWidth !== this.chart.width) {
      this.chart.setSize({ width: element.clientWidth, height: HEIGHT });
    }
  }

  private options(element: HTMLElement): uPlot.Options {
    const style = getComputedStyle(element);
    const token = (name: string): string => style.getPropertyValue(name).trim() || '#888';
    const format = this.format();
    const text = token('--muted');
    const grid = token('--border-soft');
    const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
      values,
    });
    return {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [axis(undefined), { ...axis((_u, splits) => splits.map((v) => formatChartValue(v, format))), size: 56 }],
      series: [
        {},
        ...this.data().series.map((s): uPlot.Series => {
          const color = token(s.color);
          return {
            label: s.label,
            stroke: color,
            width: 1.6,
            fill: s.fill || this.bars() ? withAlpha(color, 0.18) : undefined,
            spanGaps: false,
            // Lines leave out values without neighbours: mark those with a dot.
            points: this.bars()
              ? { show: false }
              : { show: true, size: 5, fill: color, filter: (u, index) => isolatedPoints(u.data[index] as Array<number | null>) },
            paths: this.bars() ? uPlot.paths.bars!({ size: [0.7, 24] }) : undefined,
            value: (_u, v) => formatChartValue(v, format),
          };
        }),
      ],
    };
  }
}
