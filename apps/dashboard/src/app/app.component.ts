import { ChangeDetectionStrategy, Component } from '@angular/core';
import { LayoutComponent } from './core/layout/layout.component';

/** Root component: the dashboard shell. */
@Component({
  selector: 'at-root',
  imports: [LayoutComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<at-layout />`,
})
export class AppComponent {}
