/** 24×24 SVG path data of the sidebar icon of each known entry type (stroke icons). */
export const NAV_ICONS: Readonly<Record<string, string>> = {
  request: 'M4 7h13l-3-3M20 17H7l3 3',
  exception: 'M12 4 2.5 20h19L12 4Zm0 6v4m0 3v.01',
  log: 'M5 6h14M5 10h14M5 14h9M5 18h11',
  event: 'M13 3 5 14h6l-1 7 8-11h-6l1-7Z',
  'http-client': 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm-9 9h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9Z',
  query: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3Zm0 0v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  llm: 'M12 3l2 5 5 2-5 2-2 5-2-5-5-2 5-2 2-5Z',
};

/** Icon of types without their own. */
export const DEFAULT_NAV_ICON = 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z';
