import { DestroyRef, Injectable, computed, effect, inject, signal } from '@angular/core';
import { readStorage, writeStorage } from '../settings/local-storage.util';
import { THEME_KEY, Theme, ThemeChoice, readThemeChoice, resolveTheme, toggledChoice } from './theme.state';

/**
 * The page's theme: follows the OS (`prefers-color-scheme`, live) unless the user chose one with
 * the toggle; the choice is remembered in localStorage. Applied as `data-theme` on `<html>`, which
 * switches the colour tokens of styles.css.
 */
@Injectable({ providedIn: 'root' })
export class ThemeStore {
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly osDark = signal(this.media.matches);
  private readonly choice = signal<ThemeChoice>(readThemeChoice(readStorage(THEME_KEY)));

  /** The theme in force. */
  readonly theme = computed<Theme>(() => resolveTheme(this.choice(), this.osDark()));
  /** True when the user's choice overrides the OS. */
  readonly chosen = computed(() => this.choice() !== null);

  constructor() {
    const onChange = (event: MediaQueryListEvent): void => this.osDark.set(event.matches);
    this.media.addEventListener('change', onChange);
    inject(DestroyRef).onDestroy(() => this.media.removeEventListener('change', onChange));
    effect(() => {
      const theme = this.theme();
      document.documentElement.dataset['theme'] = theme;
      document.documentElement.style.colorScheme = theme;
    });
  }

  /** Switches to the other theme (and back to following the OS when that matches it). */
  toggle(): void {
    const next = toggledChoice(this.choice(), this.osDark());
    this.choice.set(next);
    writeStorage(THEME_KEY, next);
  }
}
