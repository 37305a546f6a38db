import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterOutlet } from '@angular/router';
import { ApiClient, errorMessage } from '../api/api.client';
import { MetaStore } from '../api/meta.store';
import { KeyboardService } from '../keyboard/keyboard.service';
import { ShortcutsHelpComponent } from '../keyboard/shortcuts-help.component';
import { LiveStream } from '../live/live-stream.service';
import { RecordingStore } from '../live/recording.store';
import { ThemeStore } from '../theme/theme.store';
import { SidebarComponent } from './sidebar.component';

/**
 * The shell: header (brand, live status, recording pause/resume, dark mode, shortcuts help,
 * Clear), sidebar on the left, the routed page on the right.
 */
@Component({
  selector: 'at-layout',
  imports: [RouterOutlet, RouterLink, SidebarComponent, ShortcutsHelpComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './layout.component.html',
  styleUrl: './layout.component.css',
})
export class LayoutComponent {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly meta = inject(MetaStore);
  protected readonly live = inject(LiveStream);
  protected readonly recording = inject(RecordingStore);
  protected readonly theme = inject(ThemeStore);
  protected readonly keyboard = inject(KeyboardService);

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
      this.meta.refreshStats();
      this.show('All entries cleared.', false);
    } catch (error) {
      this.show(`Clear failed: ${errorMessage(error)}`, true);
    } finally {
      this.clearing.set(false);
    }
  }

  protected recordingTitle(): string {
    const status = this.recording.status();
    const by = status?.changedBy ? ` by ${status.changedBy}` : '';
    const since = status?.changedAt ? ` since ${new Date(status.changedAt).toLocaleString()}${by}` : '';
    return status?.recording ? `Recording${since}. Click to pause capture on every instance.` : `Paused${since}. Click to resume.`;
  }

  /** Pauses or resumes capture on every instance sharing the store. */
  protected async toggleRecording(): Promise<void> {
    const next = !this.recording.recording();
    try {
      await this.recording.set(next);
      this.show(next ? 'Recording resumed.' : 'Recording paused: nothing new is captured.', false);
    } catch (error) {
      this.show(`${next ? 'Resume' : 'Pause'} failed: ${errorMessage(error)}`, true);
    }
  }

  /** The skip link moves the focus to the page (a fragment link would change the route). */
  protected skipToContent(event: Event): void {
    event.preventDefault();
    document.getElementById('content')?.focus();
  }

  private show(text: string, error: boolean): void {
    clearTimeout(this.noticeTimer);
    this.notice.set({ text, error });
    this.noticeTimer = setTimeout(() => this.notice.set(null), 4000);
  }
}
