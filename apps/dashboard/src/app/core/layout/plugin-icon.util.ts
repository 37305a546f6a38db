/**
 * A plugin's icon (`nav.icon`: a monochrome SVG using currentColor) as a CSS `url()` for a mask,
 * or null when it is not a strict, inert SVG. Two layers: the markup must be made only of the
 * elements and attributes below (no script, style, links, entities or event handlers), and it is
 * never put into the DOM: it is drawn as an image (a mask filled with the text colour), where SVG
 * runs no script and loads nothing.
 */

const ELEMENTS = new Set(['svg', 'g', 'path', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'rect']);
const ATTRIBUTES = new Set([
  'xmlns',
  'viewBox',
  'width',
  'height',
  'fill',
  'fill-rule',
  'fill-opacity',
  'clip-rule',
  'stroke',
  'stroke-width',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'd',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'points',
  'transform',
  'aria-hidden',
  'focusable',
  'role',
]);
/** Longest icon accepted. */
const MAX_LENGTH = 8192;
/** One tag, its attributes all quoted; sticky, so the markup is consumed tag by tag. */
const TAG = /\s*<(\/?)([a-zA-Z][\w-]*)((?:\s+[a-zA-Z][\w:-]*\s*=\s*(?:"[^"<>&]*"|'[^'<>&]*'))*)\s*(\/?)>\s*/y;
const ATTRIBUTE = /([a-zA-Z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** True when `svg` is made only of allowed tags and attributes, opens with `<svg` and closes with `</svg>`. */
export function isStrictSvg(svg: string): boolean {
  if (svg.length > MAX_LENGTH || !/^\s*<svg[\s>]/.test(svg) || !/<\/svg>\s*$/.test(svg)) return false;
  TAG.lastIndex = 0;
  while (TAG.lastIndex < svg.length) {
    const match = TAG.exec(svg);
    if (!match) return false;
    if (!ELEMENTS.has(match[2])) return false;
    for (const [, name, double, single] of match[3].matchAll(ATTRIBUTE)) {
      const value = double ?? single ?? '';
      if (!ATTRIBUTES.has(name)) return false;
      if (name === 'xmlns' ? value !== SVG_NS : /url\s*\(|script:/i.test(value)) return false;
    }
  }
  return true;
}

/** `url("data:image/svg+xml,...")` of a strict icon (namespace added when missing), else null. */
export function pluginIconUrl(svg: string | null | undefined): string | null {
  if (typeof svg !== 'string' || !isStrictSvg(svg)) return null;
  const withNs = /^\s*<svg[^>]*\sxmlns\s*=/.test(svg) ? svg.trim() : svg.trim().replace(/^<svg/, `<svg xmlns="${SVG_NS}"`);
  return `url("data:image/svg+xml,${encodeURIComponent(withNs)}")`;
}
