/**
 * Creates an element. Children given as strings become Text nodes, so message text is
 * never parsed as HTML: there is no innerHTML anywhere in the widget.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const name in attrs) el.setAttribute(name, attrs[name]!);
  el.append(...children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A one-path icon; `d` is a constant from this bundle, never user input. */
export function icon(d: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** Only http(s) images: a `javascript:` or `data:` URL from a message has no business here. */
export function safeImageUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
