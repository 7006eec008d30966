// The price and sales-rank history chart, drawn as SVG from /api/deals/<asin>/history (the
// compact history of the domain crate: [unix_seconds, value] points, null = no offer, prices in
// dollars; the inferred sales with their outlier flag). Prices are step lines on the left axis, the rank on a
// log scale on the right axis (better rank higher), inferred sales as dots (outliers hollow),
// List at as a dashed line.

import { h } from './dom.js';
import { money, rank as formatRank } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 800;
const HEIGHT = 300;
const PAD = { left: 56, right: 56, top: 14, bottom: 26 };
const SERIES = [
  { key: 'used', label: 'Used', color: '#2563eb' },
  { key: 'new', label: 'New', color: '#16a34a' },
  { key: 'amazon', label: 'Amazon', color: '#ea580c' },
];
const RANK_COLOR = '#94a3b8';
const SALE_COLOR = '#dc2626';
const LIST_AT_COLOR = '#7c3aed';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function s(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The API's history as series of [t, dollars | null] points, the rank, and the sales. */
function normalize(history) {
  const series = history.series ?? {};
  const clean = (points = []) => points.map(([t, v]) => [t, v == null || v <= 0 ? null : v]);
  return {
    series: Object.fromEntries(SERIES.map(({ key }) => [key, clean(series[key])])),
    rank: clean(series.sales_rank),
    sales: (history.inferred_sales ?? []).filter((sale) => sale.price > 0).map((sale) => ({ t: sale.at, price: sale.price, outlier: sale.is_outlier })),
  };
}

export function drawChart(container, history, listAt) {
  const data = normalize(history);
  const points = [...Object.values(data.series).flat(), ...data.rank].filter(([, v]) => v != null);
  if (!points.length && !data.sales.length) {
    container.replaceChildren(h('p', { class: 'meta' }, 'No price history stored for this book yet.'));
    return;
  }
  const times = [...points.map(([t]) => t), ...data.sales.map((sale) => sale.t)];
  const t0 = Math.min(...times);
  const t1 = Math.max(Math.max(...times), Date.now() / 1000);
  const prices = [...Object.values(data.series).flat().map(([, v]) => v), ...data.sales.map((sale) => sale.price), listAt].filter((v) => v > 0);
  const priceMax = niceCeiling(Math.max(...prices, 1) * 1.08);
  const ranks = data.rank.map(([, v]) => v).filter((v) => v > 0);
  const logMin = Math.log10(Math.max(1, Math.min(...ranks, 1e9)));
  const logMax = Math.max(logMin + 1, Math.log10(Math.max(...ranks, 10)));

  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const yPrice = (v) => PAD.top + plotH - (v / priceMax) * plotH;
  const yRank = (v) => PAD.top + ((Math.log10(v) - logMin) / (logMax - logMin)) * plotH;

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': 'chart-svg-title chart-svg-desc' });
  const sane = data.sales.filter((sale) => !sale.outlier);
  svg.append(
    s('title', { id: 'chart-svg-title' }, 'Price and sales-rank history'),
    s('desc', { id: 'chart-svg-desc' }, `${sane.length} inferred sales${listAt ? `, List at ${money(listAt)}` : ''}.`),
  );
  for (let i = 0; i <= 4; i += 1) {
    const value = (priceMax / 4) * i;
    svg.append(
      s('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: yPrice(value), y2: yPrice(value), stroke: '#e5e7eb' }),
      s('text', { x: PAD.left - 6, y: yPrice(value) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#475569' }, money(value, 0)),
    );
  }
  for (let exponent = Math.ceil(logMin); ranks.length && exponent <= Math.floor(logMax); exponent += 1) {
    svg.append(s('text', { x: WIDTH - PAD.right + 6, y: yRank(10 ** exponent) + 4, 'font-size': 11, fill: RANK_COLOR }, `#${formatRank(10 ** exponent)}`));
  }
  for (const tick of monthTicks(t0, t1)) {
    svg.append(s('text', { x: x(tick.t), y: HEIGHT - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#475569' }, tick.label));
  }
  svg.append(s('path', { d: stepPath(data.rank, x, yRank, t1), fill: 'none', stroke: RANK_COLOR, 'stroke-width': 1 }));
  for (const { key, color } of SERIES) {
    svg.append(s('path', { d: stepPath(data.series[key], x, yPrice, t1), fill: 'none', stroke: color, 'stroke-width': 1.6 }));
  }
  if (listAt > 0) {
    svg.append(
      s('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: yPrice(listAt), y2: yPrice(listAt), stroke: LIST_AT_COLOR, 'stroke-dasharray': '6 4', 'stroke-width': 1.5 }),
      s('text', { x: WIDTH - PAD.right - 4, y: yPrice(listAt) - 5, 'text-anchor': 'end', 'font-size': 12, 'font-weight': 600, fill: LIST_AT_COLOR, stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke' }, `List at ${money(listAt)}`),
    );
  }
  for (const sale of data.sales) {
    const dot = sale.outlier
      ? s('circle', { cx: x(sale.t), cy: yPrice(sale.price), r: 3.5, fill: '#fff', stroke: '#64748b', 'stroke-width': 1.2 })
      : s('circle', { cx: x(sale.t), cy: yPrice(sale.price), r: 4, fill: SALE_COLOR, 'fill-opacity': 0.85, class: 'sale' });
    dot.append(s('title', {}, `${sale.outlier ? 'Outlier sale (ignored)' : 'Inferred sale'} ${money(sale.price)} on ${new Date(sale.t * 1000).toLocaleDateString('en-US')}`));
    svg.append(dot);
  }
  container.replaceChildren(svg, legend(sane.length, data.sales.length - sane.length));
}

/** A step line through the points (Keepa series hold their value until the next point); gaps break it. */
function stepPath(points, x, y, end) {
  let d = '';
  let open = false;
  points.forEach(([t, v], i) => {
    const next = points[i + 1]?.[0] ?? end;
    if (v == null) {
      open = false;
      return;
    }
    d += `${open ? `V${y(v).toFixed(1)}` : `M${x(t).toFixed(1)} ${y(v).toFixed(1)}`}H${x(next).toFixed(1)}`;
    open = true;
  });
  return d;
}

function monthTicks(t0, t1) {
  const ticks = [];
  const spanMonths = (t1 - t0) / (30 * 86400);
  const every = spanMonths > 24 ? 6 : spanMonths > 8 ? 3 : 1;
  const date = new Date(t0 * 1000);
  date.setUTCDate(1);
  date.setUTCHours(0, 0, 0, 0);
  while (date.getTime() / 1000 <= t1) {
    date.setUTCMonth(date.getUTCMonth() + 1);
    const m = date.getUTCMonth();
    if (m % every === 0 && date.getTime() / 1000 <= t1) {
      ticks.push({ t: date.getTime() / 1000, label: m === 0 ? String(date.getUTCFullYear()) : MONTHS[m] });
    }
  }
  return ticks;
}

function niceCeiling(value) {
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

function legend(sales, outliers) {
  const line = (color, dashed) => {
    const mark = s('svg', { width: 18, height: 10, 'aria-hidden': 'true', class: 'swatch' });
    mark.append(s('line', { x1: 0, x2: 18, y1: 5, y2: 5, stroke: color, 'stroke-width': 2.5, 'stroke-dasharray': dashed ? '4 3' : 'none' }));
    return mark;
  };
  const dot = (fill, stroke) => {
    const mark = s('svg', { width: 18, height: 10, 'aria-hidden': 'true', class: 'swatch' });
    mark.append(s('circle', { cx: 9, cy: 5, r: 4, fill, stroke }));
    return mark;
  };
  const items = [
    ...SERIES.map(({ label, color }) => [line(color), `${label} price`]),
    [line(RANK_COLOR), 'Sales rank (right axis)'],
    [dot(SALE_COLOR, SALE_COLOR), `Inferred sale (${sales})`],
    ...(outliers ? [[dot('#fff', '#64748b'), `Outlier, ignored (${outliers})`]] : []),
    [line(LIST_AT_COLOR, true), 'List at'],
  ];
  return h('ul', { class: 'legend' }, items.map(([mark, text]) => h('li', {}, mark, text)));
}
