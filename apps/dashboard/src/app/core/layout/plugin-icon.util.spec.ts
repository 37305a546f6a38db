import { isStrictSvg, pluginIconUrl } from './plugin-icon.util';

const ICON = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 6h16M4 12h16"/><circle cx="12" cy="18" r="2"/></svg>';

describe('plugin icons', () => {
  it('accept a monochrome SVG made of shapes, as a data URL for a mask (namespace added)', () => {
    const url = pluginIconUrl(ICON);
    expect(url).toMatch(/^url\("data:image\/svg\+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww\.w3\.org%2F2000%2Fsvg%22%20viewBox/);
    expect(decodeURIComponent(url!.slice(24, -2))).toBe(ICON.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"'));
    expect(isStrictSvg(`<svg xmlns="http://www.w3.org/2000/svg" viewBox='0 0 24 24'>\n  <g><rect x="1" y="1" width="4" height="4"/></g>\n</svg>`)).toBe(true);
  });

  it.each([
    ['a script', '<svg><script>alert(1)</script></svg>'],
    ['an event handler', '<svg onload="alert(1)"><path d="M0 0"/></svg>'],
    ['a link', '<svg><a href="javascript:alert(1)"><path d="M0 0"/></a></svg>'],
    ['an external image', '<svg><image href="https://evil.example/x.png"/></svg>'],
    ['a use of another document', '<svg><use href="https://evil.example/s.svg#i"/></svg>'],
    ['styles', '<svg><style>@import url(https://evil.example/x.css)</style></svg>'],
    ['a url() in an attribute', '<svg><path fill="url(https://evil.example/#g)" d="M0 0"/></svg>'],
    ['a foreign object', '<svg><foreignObject><div>x</div></foreignObject></svg>'],
    ['entities', '<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>'],
    ['text content', '<svg><path d="M0 0"/>hello</svg>'],
    ['unquoted attributes', '<svg><path d=M0/></svg>'],
    ['a character reference', '<svg><path d="M0 0" fill="&#x75;rl(x)"/></svg>'],
    ['another namespace', '<svg xmlns="http://www.w3.org/1999/xhtml"></svg>'],
    ['not an SVG', '<div></div>'],
    ['an unclosed SVG', '<svg><path d="M0 0"/>'],
  ])('reject %s', (_, svg) => {
    expect(pluginIconUrl(svg)).toBeNull();
  });

  it('reject absent and oversized icons', () => {
    expect(pluginIconUrl(null)).toBeNull();
    expect(pluginIconUrl(undefined)).toBeNull();
    expect(pluginIconUrl(`<svg>${'<path d="M0 0"/>'.repeat(1000)}</svg>`)).toBeNull();
  });
});
