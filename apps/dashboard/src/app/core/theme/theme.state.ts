/**
 * Light or dark: the OS preference unless the user chose one with the toggle (remembered). Pure;
 * ThemeStore reads the OS and storage and applies the result.
 */
export type Theme = 'light' | 'dark';
/** What is remembered: a choice, or nothing (follow the OS). */
export type ThemeChoice = Theme | null;

/** localStorage key of the choice. */
export const THEME_KEY = 'active-tracker:theme';

/** A stored choice, or null for anything else (absent, old or tampered values). */
export function readThemeChoice(stored: string | null | undefined): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : null;
}

export function resolveTheme(choice: ThemeChoice, osPrefersDark: boolean): Theme {
  return choice ?? (osPrefersDark ? 'dark' : 'light');
}

/**
 * The choice after pressing the toggle: the other theme. When that is what the OS asks for, the
 * choice is dropped so the page follows the OS again.
 */
export function toggledChoice(choice: ThemeChoice, osPrefersDark: boolean): ThemeChoice {
  const next: Theme = resolveTheme(choice, osPrefersDark) === 'dark' ? 'light' : 'dark';
  return next === resolveTheme(null, osPrefersDark) ? null : next;
}
