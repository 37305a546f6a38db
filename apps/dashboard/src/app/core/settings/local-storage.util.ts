/**
 * Reads and writes of the dashboard's remembered settings (theme, auto-load). localStorage can be
 * unavailable (privacy modes, sandboxed frames): a setting then lasts the visit.
 */
export function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`; null removes it. */
export function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Not remembered; the setting still applies to this page.
  }
}
