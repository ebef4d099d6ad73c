import {createHash} from 'node:crypto';

/** Markup that is already safe to emit; only `html` and `page` make one. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => ESCAPES[char] ?? char);
}

type Part = string | number | SafeHtml | readonly SafeHtml[];

/** Template tag that escapes every interpolated value unless it is SafeHtml already. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

function render(value: Part): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(item => item.text).join('');
  return escapeHtml(String(value));
}

// One look for every page: readable from 320 px up (no fixed widths, long names wrap), the
// sign-out <button> and the action links styled alike.
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#202124;overflow-wrap:anywhere}
h1{font-size:1.5rem;font-weight:500}h2{font-size:1rem;font-weight:500;color:#5f6368;margin:1.5rem 0 .25rem}
ul{padding-left:1.25rem}li small{color:#5f6368}
ul.labels,ul.labels ul{list-style:none;padding-left:0;margin:0}ul.labels ul{padding-left:1.5rem;border-left:1px solid #dadce0}
ul.labels li{padding:.125rem 0}ul.columns{columns:10rem}
a.button,button{display:inline-block;background:#1a73e8;color:#fff;padding:.5rem 1rem;border:0;border-radius:4px;font:inherit;text-decoration:none;cursor:pointer}
a.button:hover,button:hover{background:#1765cc}
form{margin-top:1.5rem}.note{color:#5f6368}`;

/**
 * The Content-Security-Policy for every response: no scripts at all, only our one stylesheet
 * (by hash), no framing (clickjacking), forms only to ourselves.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Wraps content in a complete HTML document. */
export function page(title: string, body: SafeHtml): SafeHtml {
  // The <style> content must be exactly STYLE: the CSP allows it by hash.
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
