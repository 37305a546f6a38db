import { readThemeChoice, resolveTheme, toggledChoice } from './theme.state';

describe('theme (dark mode)', () => {
  it('follows the OS until the user chooses', () => {
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme(null, false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('toggles to the other theme, and back to following the OS', () => {
    expect(toggledChoice(null, false)).toBe('dark');
    expect(toggledChoice('dark', false)).toBeNull();
    expect(toggledChoice(null, true)).toBe('light');
    expect(toggledChoice('light', true)).toBeNull();
    expect(toggledChoice('dark', true)).toBe('light');
  });

  it('reads only known stored values', () => {
    expect(readThemeChoice('dark')).toBe('dark');
    expect(readThemeChoice('light')).toBe('light');
    expect(readThemeChoice('blue')).toBeNull();
    expect(readThemeChoice(null)).toBeNull();
  });
});
