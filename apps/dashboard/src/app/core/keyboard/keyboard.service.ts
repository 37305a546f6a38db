import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { PageShortcut, movedIndex, pageShortcutFor, shortcutFor } from './shortcuts.model';

/** The links j/k move through: the primary cell of each row of the page's tables. */
const ROW_LINKS = 'main tr[data-id] a.row-link';

/**
 * The page's keyboard shortcuts (see shortcuts.model.ts). j/k focus the link of the next or
 * previous row, so Enter opens it like any focused link and the focus ring shows the selection.
 */
@Injectable({ providedIn: 'root' })
export class KeyboardService {
  private readonly document = inject(DOCUMENT);
  /** True while the shortcuts help is open. */
  readonly helpOpen = signal(false);
  /** The shown page's own shortcuts (listed in the help too). */
  readonly pageShortcuts = signal<readonly PageShortcut[]>([]);

  constructor() {
    const onKey = (event: KeyboardEvent): void => this.onKey(event);
    this.document.addEventListener('keydown', onKey);
    inject(DestroyRef).onDestroy(() => this.document.removeEventListener('keydown', onKey));
  }

  /**
   * Adds a page's shortcuts until the page is destroyed. Call in the page's injection context.
   */
  usePageShortcuts(shortcuts: readonly PageShortcut[], destroyRef: DestroyRef = inject(DestroyRef)): void {
    this.pageShortcuts.set(shortcuts);
    destroyRef.onDestroy(() => {
      if (this.pageShortcuts() === shortcuts) this.pageShortcuts.set([]);
    });
  }

  private onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;
    const press = {
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      typing: isTyping(event.target),
    };
    const action = shortcutFor(press);
    const pageShortcut = this.helpOpen() ? null : pageShortcutFor(press, this.pageShortcuts());
    if (pageShortcut) {
      event.preventDefault();
      pageShortcut.run();
      return;
    }
    if (!action) {
      if (event.key === 'Escape' && isTyping(event.target)) (event.target as HTMLElement).blur();
      return;
    }
    if (action === 'help') {
      event.preventDefault();
      this.helpOpen.update((open) => !open);
      return;
    }
    if (this.helpOpen()) return;
    if (action === 'search') {
      const search = this.document.querySelector<HTMLInputElement>('main [data-testid="search-input"]');
      if (!search) return;
      event.preventDefault(); // "/" must not be typed into the box it focuses
      search.focus();
      search.select();
      return;
    }
    const links = [...this.document.querySelectorAll<HTMLAnchorElement>(ROW_LINKS)];
    const current = links.indexOf(this.document.activeElement as HTMLAnchorElement);
    const next = movedIndex(current, links.length, action === 'next' ? 1 : -1);
    if (next < 0) return;
    event.preventDefault();
    links[next].focus();
    links[next].closest('tr')?.scrollIntoView({ block: 'nearest' });
  }
}

/** True when keys typed go into the element (text fields, selects, editable content). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}
