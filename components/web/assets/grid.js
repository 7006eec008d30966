// The deals grid: the columns a reseller scans (issue 6, DOMAIN §5.9), click-to-sort headers
// (keys are /api/deals sort keys), and rows whose title opens the deal overlay.

import { h } from './dom.js';
import * as format from './format.js';

const money0 = (value) => format.money(value, 0);
const signed = (value, text) => h('span', { class: value > 0 ? 'pos' : value < 0 ? 'neg' : null }, text);

/** Each column: API key (also its sort key), header, tooltip, cell renderer, text or number. */
export const COLUMNS = [
  { key: 'title', label: 'Title', text: true, why: 'Book title and ASIN; opens the deal', cell: null },
  { key: 'condition', label: 'Cond.', text: true, why: 'Condition of the offer you would buy', cell: (d) => format.condition(d.condition) },
  { key: 'sales_rank', label: 'Rank', why: 'Amazon sales rank now (lower sells faster)', cell: (d) => format.rank(d.sales_rank) },
  { key: 'drops30', label: 'Drops', why: 'Sales-rank drops in the last 30 days, about one per sale', cell: (d) => format.count(d.drops30) },
  { key: 'price_now', label: 'Now', why: 'Price of the best used offer including shipping', cell: (d) => format.money(d.price_now) },
  { key: 'one_year_avg', label: '1yr Avg', why: 'Average price of the inferred sales of the last year', cell: (d) => format.money(d.one_year_avg) },
  { key: 'percent_down', label: '% ⇩', why: 'How far the price now is below the 1-year average', cell: (d) => format.percent(d.percent_down) },
  { key: 'list_at', label: 'List at', why: 'Recommended resale price: the typical peak-season sale price', cell: (d) => format.money(d.list_at) },
  { key: 'profit', label: 'Profit', why: 'List at minus Amazon fees minus your all-in cost', cell: (d) => signed(d.profit, money0(d.profit)) },
  { key: 'margin', label: 'Margin', why: 'Profit as a share of List at', cell: (d) => format.percent(d.margin) },
  { key: 'roi', label: 'ROI', why: 'Profit as a share of your all-in cost', cell: (d) => signed(d.roi, format.percent(d.roi)) },
  { key: 'deal_trust', label: 'Deal', why: 'Deal trust: share of offer drops confirmed as sales', cell: (d) => format.percent(d.deal_trust) },
  { key: 'seller_quality', label: 'Seller', why: 'Seller trust out of 10 (rating and rating count)', cell: (d) => format.sellerTrust(d.seller_quality) },
  { key: 'seasonality', label: 'Season', text: true, why: 'Seasonality and the months it sells best', cell: seasonCell },
  { key: 'last_price_change_at', label: 'Trend', why: 'Price direction and time since the last price change', cell: trendCell },
  { key: 'amazon_selling', label: 'AMZ', why: 'Amazon itself sells this book (hard to compete)', cell: amazonCell },
];

function seasonCell(deal) {
  if (!deal.seasonality) return '—';
  return deal.sells_window && deal.sells_window !== 'All Year' ? `${deal.seasonality} · ${deal.sells_window}` : deal.seasonality;
}

function trendCell(deal) {
  const [arrow, word] = format.TRENDS[deal.trend] ?? ['', 'unknown'];
  return h('span', { title: `Price trend ${word}` }, h('span', { 'aria-label': `trend ${word}` }, arrow), ' ', format.ago(deal.last_price_change_at));
}

function amazonCell(deal) {
  return deal.amazon_selling ? h('span', { class: 'amz', title: 'Amazon sells this book', 'aria-label': 'Amazon sells this' }, '⚠') : '';
}

/** Header cells with sort buttons; `onSort(key)` is called with the clicked column's key. */
export function renderHeaders(row, sort, onSort) {
  row.replaceChildren(...COLUMNS.map((column) => {
    const sorted = sort.key === column.key ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none';
    return h('th', { scope: 'col', class: column.text ? 'text' : null, 'aria-sort': sorted },
      h('button', { type: 'button', title: `${column.why}. Sort by ${column.label}.`, onclick: () => onSort(column.key) }, column.label));
  }));
}

/** Default direction when a column is first clicked: text and rank ascending, figures descending. */
export const firstOrder = (key) => (COLUMNS.find((c) => c.key === key)?.text || key === 'sales_rank' ? 'asc' : 'desc');

/** One row per deal; the title button calls `onOpen(deal)`. */
export function renderRows(body, deals, onOpen) {
  if (!deals.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty' }, 'No deals match these filters.')));
    return;
  }
  body.replaceChildren(...deals.map((deal) => h('tr', {}, COLUMNS.map((column) => {
    if (column.key === 'title') {
      return h('td', { class: 'text title' },
        h('button', { type: 'button', onclick: () => onOpen(deal) }, deal.title ?? deal.asin),
        h('span', { class: 'asin' }, deal.asin));
    }
    return h('td', { class: column.text ? 'text' : null }, column.cell(deal));
  }))));
}
