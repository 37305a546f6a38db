import { KeyPress, PageShortcut, movedIndex, pageShortcutFor, shortcutFor } from './shortcuts.model';

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, typing: false, ...more });

describe('keyboard shortcuts', () => {
  it('maps j, k, / and ? to their actions', () => {
    expect(shortcutFor(press('j'))).toBe('next');
    expect(shortcutFor(press('k'))).toBe('previous');
    expect(shortcutFor(press('/'))).toBe('search');
    expect(shortcutFor(press('?'))).toBe('help');
    expect(shortcutFor(press('x'))).toBeNull();
    expect(shortcutFor(press('J'))).toBeNull();
  });

  it('leaves keys alone while typing or with a modifier', () => {
    expect(shortcutFor(press('j', { typing: true }))).toBeNull();
    expect(shortcutFor(press('/', { typing: true }))).toBeNull();
    expect(shortcutFor(press('k', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('j', { metaKey: true }))).toBeNull();
    expect(shortcutFor(press('j', { altKey: true }))).toBeNull();
  });

  it('moves the selection and stops at the ends', () => {
    expect(movedIndex(-1, 3, 1)).toBe(0);
    expect(movedIndex(-1, 3, -1)).toBe(2);
    expect(movedIndex(0, 3, 1)).toBe(1);
    expect(movedIndex(2, 3, 1)).toBe(2);
    expect(movedIndex(0, 3, -1)).toBe(0);
    expect(movedIndex(5, 3, 1)).toBe(0); // the rows changed under the selection
    expect(movedIndex(0, 0, 1)).toBe(-1);
  });

  it("page shortcuts: the page's key runs, never while typing, with a modifier, or over a global key", () => {
    const run = (): void => undefined;
    const page: PageShortcut[] = [
      { key: 'a', does: 'Approve', run },
      { key: 'j', does: 'Taken', run },
    ];
    expect(pageShortcutFor(press('a'), page)?.does).toBe('Approve');
    expect(pageShortcutFor(press('a', { typing: true }), page)).toBeNull();
    expect(pageShortcutFor(press('a', { ctrlKey: true }), page)).toBeNull();
    expect(pageShortcutFor(press('j'), page)).toBeNull();
    expect(pageShortcutFor(press('f'), page)).toBeNull();
  });
});
