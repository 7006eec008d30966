// The deal overlay: a modal <dialog> (focus trapped, Esc closes) with the history chart, the
// mentor's advice and every figure explained. Opens at once with the grid row, then fills in
// the full deal and its history. While it is open the address says which deal
// (`/dashboard?deal=<ASIN>`), so the view can be bookmarked, shared or reloaded, and such an
// address opens the deal on its own (`openDealByAsin`).

import { getJson } from './api.js';
import { byId, h } from './dom.js';
import { initAdvice, showAdvice, stopAdvice } from './advice.js';
import { drawChart } from './chart.js';
import { renderFigures } from './figures.js';
import * as format from './format.js';

const dialog = byId('deal-overlay');
let shown = null;

export function initOverlay() {
  initAdvice();
  byId('overlay-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    stopAdvice();
    addressDeal(null);
  });
  // The chat panel lies under the modal overlay: close it, then hand the deal to the chat.
  byId('advice-discuss').addEventListener('click', () => {
    dialog.close();
    window.dispatchEvent(new CustomEvent('chatabout', { detail: { asin: shown.asin, title: shown.title } }));
  });
}

/** Opens `row` (a grid row, or the full deal when `full` is it already) and fills in the rest. */
export async function openDeal(row, full = null) {
  shown = row;
  const asin = encodeURIComponent(row.asin);
  byId('overlay-title').textContent = row.title ?? row.asin;
  byId('overlay-amazon').href = `https://www.amazon.com/dp/${asin}`;
  fill(row);
  const chart = byId('overlay-chart');
  chart.replaceChildren(h('p', { class: 'meta', 'aria-busy': 'true' }, 'Loading history…'));
  if (!dialog.open) dialog.showModal();
  addressDeal(row.asin);
  showAdvice(row.asin);
  const [deal, history] = await Promise.allSettled([full ?? getJson(`/api/deals/${asin}`), getJson(`/api/deals/${asin}/history`)]);
  if (deal.status === 'fulfilled') fill(deal.value);
  const listAt = deal.status === 'fulfilled' ? deal.value.list_at : row.list_at;
  if (history.status === 'fulfilled') drawChart(chart, history.value, listAt);
  else chart.replaceChildren(h('p', { class: 'notice warn' }, `No history chart: ${history.reason.message}`));
}

/** Opens the deal stored under `asin`; rejects (with the API's message) when there is none. */
export async function openDealByAsin(asin) {
  const deal = await getJson(`/api/deals/${encodeURIComponent(asin)}`);
  await openDeal(deal, deal);
}

/** The deal of this view in the address (`?deal=`), or none; the rest of the address is kept. */
function addressDeal(asin) {
  const url = new URL(location.href);
  if (asin) url.searchParams.set('deal', asin);
  else url.searchParams.delete('deal');
  if (url.href !== location.href) history.replaceState(history.state, '', url);
}

function fill(deal) {
  const published = deal.publication_date && `published ${deal.publication_date}`;
  const meta = [deal.asin, deal.author, deal.publisher, published, deal.binding, format.conditionLong(deal.condition)];
  if (deal.source === 'demo') meta.push('demo data');
  byId('overlay-meta').textContent = meta.filter(Boolean).join(' · ');
  renderFigures(byId('overlay-figures'), deal);
}
