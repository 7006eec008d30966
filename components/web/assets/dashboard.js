// The deals dashboard: filters → /api/deals page → grid, sorting and paging; "N new deals" by
// polling /api/deal-count under the same filters and comparing (count, max_id) with the
// baseline taken with the grid (never an unfiltered total, DOMAIN §8 item 31); the CSV link
// follows the filters; banners for stale ingestion, offline mentors and demo data. `?deal=<ASIN>` in the address
// opens that deal's overlay (a bookmark, a shared link, the chat's "Talking about" line).

import './shell.js';
import { getJson } from './api.js';
import { byId, show } from './dom.js';
import { counted } from './format.js';
import { filterParams, initFilters } from './filters.js';
import { firstOrder, renderHeaders, renderRows } from './grid.js';
import { initOverlay, openDeal, openDealByAsin } from './overlay.js';
import { aiProblem, fetchHealth, ingestionProblem } from './status.js';

const POLL_MS = 60_000;
const VIEW_KEY = 'dashboard_view';
/** The filter panel starts closed on phones, then remembers the user's choice. */
const PANEL_KEY = 'filter_panel_open';

const form = byId('filters');
const view = { sort: { key: 'profit', order: 'desc' }, page: 1, limit: 50, ...JSON.parse(localStorage.getItem(VIEW_KEY) ?? '{}') };
let baseline = null;
let loading = null;

const saveView = () => localStorage.setItem(VIEW_KEY, JSON.stringify({ sort: view.sort, limit: view.limit }));

function listingParams() {
  const params = filterParams(form);
  params.set('sort', view.sort.key);
  params.set('order', view.sort.order);
  return params;
}

async function load() {
  loading?.abort();
  loading = new AbortController();
  const { signal } = loading;
  const filters = filterParams(form);
  const params = listingParams();
  byId('csv-link').href = `/download/deals.csv?${params}`;
  params.set('page', view.page);
  params.set('limit', view.limit);
  byId('deals').setAttribute('aria-busy', 'true');
  try {
    const [listing, matching] = await Promise.all([
      getJson(`/api/deals?${params}`, { signal }),
      getJson(`/api/deal-count?${filters}`, { signal }).catch(() => null),
    ]);
    show(byId('grid-error'), '');
    baseline = matching;
    byId('new-deals').hidden = true;
    render(listing);
  } catch (failure) {
    if (failure.name !== 'AbortError') show(byId('grid-error'), `Could not load deals: ${failure.message}`);
  } finally {
    if (!signal.aborted) byId('deals').removeAttribute('aria-busy');
  }
}

function render({ deals, pagination }) {
  renderHeaders(byId('deal-headers'), view.sort, sortBy);
  renderRows(byId('deal-rows'), deals, (deal) => openDeal(deal));
  const total = pagination.total_records;
  byId('result-count').textContent = counted(total, 'deal', 'deals');
  const pages = Math.max(1, pagination.total_pages);
  byId('page-status').textContent = `Page ${pagination.current_page} of ${pages}`;
  byId('page-prev').disabled = pagination.current_page <= 1;
  byId('page-next').disabled = pagination.current_page >= pages;
  byId('demo-banner').hidden = !deals.some((deal) => deal.source === 'demo');
  // User Timing mark read by the browser test's time-to-interactive budget.
  if (!performance.getEntriesByName('dashboard-interactive').length) performance.mark('dashboard-interactive');
}

function sortBy(key) {
  view.sort = view.sort.key === key
    ? { key, order: view.sort.order === 'asc' ? 'desc' : 'asc' }
    : { key, order: firstOrder(key) };
  view.page = 1;
  saveView();
  load();
}

async function pollNewDeals() {
  if (document.hidden || !baseline) return;
  const now = await getJson(`/api/deal-count?${filterParams(form)}`).catch(() => null);
  if (!now || now.max_id <= baseline.max_id) return;
  const added = now.count - baseline.count;
  const button = byId('new-deals');
  button.textContent = added > 0 ? `${counted(added, 'new deal', 'new deals')} — show` : 'New deals — show';
  button.hidden = false;
}

async function checkHealth() {
  const health = await fetchHealth().catch(() => null);
  show(byId('stale-banner'), ingestionProblem(health));
  show(byId('ai-banner'), aiProblem(health));
}

const panel = byId('filter-panel');
panel.open = JSON.parse(localStorage.getItem(PANEL_KEY) ?? String(!matchMedia('(max-width: 600px)').matches));
panel.addEventListener('toggle', () => localStorage.setItem(PANEL_KEY, String(panel.open)));
initOverlay();
initFilters(form, () => {
  view.page = 1;
  load();
});
byId('page-size').value = String(view.limit);
byId('page-size').addEventListener('change', (event) => {
  view.limit = Number(event.target.value);
  view.page = 1;
  saveView();
  load();
});
byId('page-prev').addEventListener('click', () => { view.page -= 1; load(); });
byId('page-next').addEventListener('click', () => { view.page += 1; load(); });
byId('new-deals').addEventListener('click', load);
load();
checkHealth();
const openLinked = (asin) => {
  show(byId('deal-link-error'), '');
  openDealByAsin(asin).catch((failure) => show(byId('deal-link-error'), `Deal ${asin} cannot be shown: ${failure.message}`));
};
const linked = new URLSearchParams(location.search).get('deal');
if (linked) openLinked(linked);
// Links to a deal of this page (the chat's "Talking about" line) open it without a reload.
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[href^="/dashboard?deal="]');
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  openLinked(new URL(link.href).searchParams.get('deal'));
});
setInterval(() => { pollNewDeals(); checkHealth(); }, POLL_MS);
// Coming back to the tab checks at once instead of waiting for the next poll.
document.addEventListener('visibilitychange', () => document.hidden || pollNewDeals());
