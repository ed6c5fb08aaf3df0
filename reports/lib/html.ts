// HTML building blocks shared by every report page: escaping, number formats and one stylesheet, so the load report,
// the review, the gate and the index look like one product. Pages are self-contained (no CDN, no external files).

export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Milliseconds with a precision that suits the magnitude: 0.42 ms, 12.3 ms, 1,234 ms, 12.3 s. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtNum(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtPct(share: number, digits = 2): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)} %` : '—';
}

export function fmtSigned(n: number, unit: string, digits = 1): string {
  if (!Number.isFinite(n)) return '—';
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}${unit}`;
}

export function fmtDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms)
    ? new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '—';
}

export function badge(status: 'pass' | 'fail' | 'warn' | 'skip' | 'info', text: string = status.toUpperCase()): string {
  return `<span class="badge ${status}">${esc(text)}</span>`;
}

export const palette = {
  ok: '#2e9d5b',
  ko: '#d8413a',
  warn: '#e8a33d',
  blue: '#3b73c8',
  purple: '#7b5cc4',
  teal: '#1f9aa6',
  grey: '#8a94a6',
  percentiles: ['#9ec5f2', '#5d9be0', '#2f6fc4', '#f0a23b', '#d8413a'],
  statuses: ['#2e9d5b', '#3b73c8', '#e8a33d', '#d8413a', '#7b5cc4', '#1f9aa6', '#8a94a6', '#b05aa7'],
};

const css = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2533;background:#f3f5f9}
header.top{background:linear-gradient(90deg,#18233a,#27406b);color:#fff;padding:18px 28px;display:flex;align-items:center;gap:18px;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0;font-weight:600}
header.top .sub{opacity:.8;font-size:13px}
header.top nav{margin-left:auto;display:flex;gap:14px;flex-wrap:wrap}
header.top nav a{color:#cfe0ff;text-decoration:none;font-size:13px}
header.top nav a:hover{text-decoration:underline}
main{max-width:1280px;margin:0 auto;padding:20px 28px 40px}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(20,30,50,.08);padding:16px 20px;margin:0 0 18px}
section h2{font-size:16px;margin:0 0 12px;color:#27406b;display:flex;align-items:center;gap:10px}
section h2 small{font-weight:400;color:#6b7385;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi{background:#f7f9fc;border:1px solid #e3e8f0;border-radius:8px;padding:10px 12px}
.kpi .label{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:#6b7385}
.kpi .value{font-size:22px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .hint{font-size:12px;color:#6b7385}
.kpi.ok .value{color:#22804a}.kpi.ko .value{color:#c0392b}
dl.meta{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:6px 16px;margin:0}
dl.meta dt{color:#6b7385}dl.meta dd{margin:0;font-variant-numeric:tabular-nums;word-break:break-all}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 8px;border-bottom:1px solid #e8ecf2;text-align:right;white-space:nowrap}
th{background:#eef2f8;color:#27406b;font-weight:600;font-size:12px;position:sticky;top:0}
td.l,th.l{text-align:left;white-space:normal}
tr:nth-child(even) td{background:#fafbfd}
tr.total td{font-weight:600;background:#eef6ff}
.scroll{overflow-x:auto}
.badge{display:inline-block;padding:2px 9px;border-radius:999px;font-size:12px;font-weight:700;letter-spacing:.03em;color:#fff;vertical-align:middle}
.badge.pass{background:#2e9d5b}.badge.fail{background:#d8413a}.badge.warn{background:#e8a33d}.badge.skip,.badge.info{background:#8a94a6}
.verdict{font-size:15px;padding:5px 16px}
.ko{color:#c0392b}.ok{color:#22804a}.muted{color:#6b7385}
.note{background:#fff8e6;border-left:4px solid #e8a33d;padding:8px 12px;border-radius:4px;margin:8px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px}
figure.chart{margin:0;min-width:0}
figure.chart figcaption{font-weight:600;color:#27406b;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font:11px system-ui,sans-serif;fill:#6b7385}
svg.chart .grid line{stroke:#e8ecf2}
svg.chart .hit{fill:transparent}
svg.chart .hit:hover{fill:rgba(39,64,107,.10)}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;color:#4a5366;margin-top:4px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-2px}
.ranges{display:flex;height:28px;border-radius:6px;overflow:hidden;margin:6px 0}
.ranges div{color:#fff;font-size:12px;display:flex;align-items:center;justify-content:center;white-space:nowrap;overflow:hidden}
code{background:#eef2f8;padding:1px 5px;border-radius:4px;font-size:12px}
footer{color:#6b7385;font-size:12px;text-align:center;padding:10px}
a{color:#2f6fc4}
`;

export function page(o: {
  title: string;
  heading: string;
  sub?: string;
  badgeHtml?: string;
  nav?: [string, string][];
  body: string;
}): string {
  const nav = (o.nav ?? []).map(([href, label]) => `<a href="${esc(href)}">${esc(label)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)}</title><style>${css}</style></head>
<body><header class="top"><div><h1>${esc(o.heading)} ${o.badgeHtml ?? ''}</h1>${o.sub ? `<div class="sub">${esc(o.sub)}</div>` : ''}</div>
<nav>${nav}</nav></header>
<main>${o.body}</main>
<footer>Generated ${esc(new Date().toISOString().replace('T', ' ').slice(0, 19))} UTC · self-contained, works offline</footer>
</body></html>
`;
}

export function kpi(label: string, value: string, hint = '', cls = ''): string {
  return `<div class="kpi ${cls}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${hint ? `<div class="hint">${esc(hint)}</div>` : ''}</div>`;
}

/** A table from header cells and rows of cells; a cell is text (escaped) or {html, cls}. */
export type Cell = string | number | { html: string; cls?: string };
export function table(head: Cell[], rows: Cell[][], opts: { left?: number[]; totalLast?: boolean } = {}): string {
  const left = new Set(opts.left ?? [0]);
  const cell = (c: Cell, i: number, tag: string): string => {
    const cls = [left.has(i) ? 'l' : '', typeof c === 'object' ? (c.cls ?? '') : ''].filter(Boolean).join(' ');
    const content = typeof c === 'object' ? c.html : esc(c);
    return `<${tag}${cls ? ` class="${cls}"` : ''}>${content}</${tag}>`;
  };
  const body = rows
    .map(
      (r, ri) =>
        `<tr${opts.totalLast && ri === rows.length - 1 ? ' class="total"' : ''}>${r.map((c, i) => cell(c, i, 'td')).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head.map((c, i) => cell(c, i, 'th')).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}
