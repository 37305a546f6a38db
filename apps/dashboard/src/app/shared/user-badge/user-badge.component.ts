import { ChangeDetectionStrategy, Component, computed, input, linkedSignal } from '@angular/core';

/** A request's user, from the `user_*` tags or `content.user`. */
export interface TrackedUser {
  name?: string;
  email?: string;
  avatarUrl?: string;
}

/** The user of an entry: `content.user` first, then the `user_name`/`user_email`/`user_avatar_url` tags. */
export function userOf(entry: { tags: Record<string, string>; content: Record<string, unknown> }): TrackedUser | null {
  const fromContent = (entry.content['user'] ?? {}) as TrackedUser;
  const user: TrackedUser = {
    name: fromContent.name ?? entry.tags['user_name'],
    email: fromContent.email ?? entry.tags['user_email'],
    avatarUrl: fromContent.avatarUrl ?? entry.tags['user_avatar_url'],
  };
  return user.name || user.email || user.avatarUrl ? user : null;
}

/** Avatar (or initials) with name and email; `compact` shows one line for tables. */
@Component({
  selector: 'at-user-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (user(); as u) {
      <span class="avatar" [class.avatar-sm]="compact()" aria-hidden="true">
        @if (u.avatarUrl && !avatarFailed()) {
          <img [src]="u.avatarUrl" alt="" referrerpolicy="no-referrer" (error)="avatarFailed.set(true)" />
        } @else {
          {{ initials() }}
        }
      </span>
      <span class="who">
        <span class="who-name">{{ u.name || u.email }}</span>
        @if (!compact() && u.name && u.email) {
          <a class="who-email" [href]="'mailto:' + u.email">{{ u.email }}</a>
        }
      </span>
    }
  `,
  styles: `
    :host { display: inline-flex; align-items: center; gap: 8px; min-width: 0; }
    .avatar { flex: none; width: 32px; height: 32px; border-radius: 50%; overflow: hidden; display: grid;
      place-items: center; background: var(--accent-soft); color: var(--accent); font-weight: 600; font-size: 12px; }
    .avatar-sm { width: 20px; height: 20px; font-size: 9px; }
    .avatar img { width: 100%; height: 100%; object-fit: cover; }
    .who { display: flex; flex-direction: column; min-width: 0; line-height: 1.25; }
    .who-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .who-email { color: var(--muted); font-size: 12px; }
  `,
})
export class UserBadgeComponent {
  /** The user to show; nothing is rendered when null. */
  readonly user = input<TrackedUser | null | undefined>(null);
  /** One line, small avatar (for table cells). */
  readonly compact = input(false);

  /** Falls back to initials when the avatar URL does not load; reset when the user changes. */
  protected readonly avatarFailed = linkedSignal({ source: this.user, computation: () => false });
  protected readonly initials = computed(() => {
    const u = this.user();
    const source = (u?.name || u?.email || '?').replace(/@.*/, '');
    const parts = source.split(/[\s._-]+/).filter(Boolean);
    return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
  });
}
