import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterOutlet } from '@angular/router';
import { ApiClient, errorMessage } from '../api/api.client';
import { SidebarComponent } from './sidebar.component';

/** The shell: header (brand, Clear), sidebar on the left, the routed page on the right. */
@Component({
  selector: 'at-layout',
  imports: [RouterOutlet, RouterLink, SidebarComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './layout.component.html',
  styleUrl: './layout.component.css',
})
export class LayoutComponent {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);

  protected readonly clearing = signal(false);
  /** A short-lived message under the header (success or failure of an action). */
  protected readonly notice = signal<{ text: string; error: boolean } | null>(null);
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Deletes everything after confirmation, then leaves detail pages whose entry is gone. */
  protected async clear(): Promise<void> {
    if (!window.confirm('Delete every recorded entry? This cannot be undone.')) return;
    this.clearing.set(true);
    try {
      await this.api.clear();
      const section = this.router.url.split(/[?#]/)[0].split('/').filter(Boolean);
      if (section.length > 1) await this.router.navigate(['/', section[0]]);
      this.show('All entries cleared.', false);
    } catch (error) {
      this.show(`Clear failed: ${errorMessage(error)}`, true);
    } finally {
      this.clearing.set(false);
    }
  }

  private show(text: string, error: boolean): void {
    clearTimeout(this.noticeTimer);
    this.notice.set({ text, error });
    this.noticeTimer = setTimeout(() => this.notice.set(null), 4000);
  }
}
