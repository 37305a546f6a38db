import { ChangeDetectionStrategy, Component, ViewEncapsulation } from '@angular/core';

/**
 * uPlot's own stylesheet and the page's touches to it, added to the document by the first chart
 * that renders: unencapsulated, since uPlot builds its legend and axes outside Angular's templates,
 * and here rather than in the global styles so that uPlot stays out of the initial bundle.
 */
@Component({
  selector: 'at-uplot-styles',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  template: '',
  styleUrls: ['../../../../../../node_modules/uplot/dist/uPlot.min.css'],
  styles: `
    at-uplot-styles { display: none; }
    /* The legend in the page's type scale and colours. */
    .uplot { font-family: var(--sans); }
    .uplot .u-legend { font-size: 11.5px; color: var(--text-soft); }
    .uplot .u-legend th { font-weight: 500; }
  `,
})
export class UplotStylesComponent {}
