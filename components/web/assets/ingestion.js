// The admin view of /api/health: database, ingestion state and AI budget, as reported.

import './shell.js';
import { byId, h, notify } from './dom.js';
import { dateTime } from './format.js';
import { fetchHealth, ingestionProblem } from './status.js';

const REFRESH_MS = 30_000;

/** A readable value: timestamps (named *_at) as dates, objects as their fields. */
function describe(key, value) {
  if (value == null) return '—';
  if (key.endsWith('_at') && typeof value === 'number') return dateTime(value);
  if (typeof value === 'object') return h('dl', { class: 'status-list' }, entries(value));
  return String(value);
}

const entries = (object) => Object.entries(object).flatMap(([key, value]) => [h('dt', {}, key.replaceAll('_', ' ')), h('dd', {}, describe(key, value))]);

async function refresh() {
  const list = byId('ingestion-status');
  try {
    const health = await fetchHealth();
    const problem = ingestionProblem(health);
    const banner = byId('ingestion-banner');
    notify(banner, problem ? 'warn' : 'ok', problem ?? (health.ingestion ? 'Ingestion is healthy.' : 'The health report has no ingestion section yet.'));
    list.replaceChildren(...entries(health));
  } catch (failure) {
    list.replaceChildren(h('dt', {}, 'error'), h('dd', {}, failure.message));
  }
}

byId('ingestion-refresh').addEventListener('click', refresh);
refresh();
setInterval(refresh, REFRESH_MS);
