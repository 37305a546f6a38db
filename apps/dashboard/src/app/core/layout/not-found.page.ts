import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Shown for dashboard routes that do not exist. */
@Component({
  selector: 'at-not-found-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="card empty-page">
      <h1>Page not found</h1>
      <p class="muted">This dashboard page does not exist.</p>
      <a class="btn" routerLink="/requests">Go to requests</a>
    </div>
  `,
  styles: `.empty-page { text-align: center; padding: 48px 24px; } h1 { font-size: 18px; margin: 0 0 8px; }`,
})
export class NotFoundPage {}
