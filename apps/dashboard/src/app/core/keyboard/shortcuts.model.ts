/**
 * Keyboard shortcuts: `j`/`k` move through the rows of the page, Enter opens the row (the row's
 * link has the focus, so the browser follows it), `/` goes to the search box, `?` shows the help.
 * Pure: which key means what, and where the selection moves.
 */
export type ShortcutAction = 'next' | 'previous' | 'search' | 'help';

/** The shortcuts, as the help dialog lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: 'j', does: 'Next row' },
  { keys: 'k', does: 'Previous row' },
  { keys: 'Enter', does: 'Open the selected row' },
  { keys: '/', does: 'Search' },
  { keys: '?', does: 'Show this help' },
  { keys: 'Esc', does: 'Close the help, leave the search box' },
];

/** The key event as far as shortcuts care. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True when the focus is in a text field, a select or an editable element: keys are typed, not shortcuts. */
  typing: boolean;
}

/** The action of a key press, or null when it is not a shortcut (typed text, modifiers). */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.typing || press.ctrlKey || press.metaKey || press.altKey) return null;
  switch (press.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case '/':
      return 'search';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/**
 * The row selected after moving by `delta` from `current` (-1: none yet) among `count` rows:
 * the first move selects the first (or last) row, then it stops at the ends.
 */
export function movedIndex(current: number, count: number, delta: 1 | -1): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}

/** A shortcut a page adds while it is shown (e.g. the LLM page's a/f/r review keys). */
export interface PageShortcut {
  /** One key, as `KeyboardEvent.key` reports it. */
  key: string;
  does: string;
  run: () => void;
}

/**
 * The page shortcut a key press runs, or null: never while typing or with a modifier, and never
 * one of the global keys (a page cannot take j/k/\//?).
 */
export function pageShortcutFor(press: KeyPress, shortcuts: readonly PageShortcut[]): PageShortcut | null {
  if (press.typing || press.ctrlKey || press.metaKey || press.altKey) return null;
  if (shortcutFor(press) !== null) return null;
  return shortcuts.find((s) => s.key === press.key) ?? null;
}
