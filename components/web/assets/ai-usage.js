// The admin's AI usage page: the ledger's recent days (GET /api/admin/ai-usage), one row per UTC
// day with its share of the daily budget and its calls per feature, the sums of the period, the
// calls per user, and why the provider last failed (a wrong key shows here before users report
// offline answers).

import './shell.js';
import { getJson } from './api.js';
import { byId, h, notify } from './dom.js';
import { count, counted, dateTime, money, percent } from './format.js';

const FEATURES = { advice: 'advice', chat: 'chat', learn: 'learning', ingest: 'ingestion' };
const days = byId('usage-days');

// Spend is often a fraction of a cent a day; below a dollar it keeps four decimals.
const spend = (usd) => money(usd, usd < 1 ? 4 : 2);

const byFeature = (features) => Object.entries(features)
  .filter(([, usage]) => usage.calls > 0)
  .map(([feature, usage]) => `${FEATURES[feature] ?? feature} ${count(usage.calls)}`)
  .join(' · ');

// One row: its label, the figures of `usage` with `share` (of the daily budget) after the calls,
// and the calls by feature; the sums' row is headed by a <th>.
function row(label, usage, share, features, { heading = false } = {}) {
  const figures = [
    count(usage.calls), share, count(usage.failures), count(usage.prompt_tokens), count(usage.cached_prompt_tokens),
    count(usage.completion_tokens),
    spend(usage.estimated_spend_usd), count(usage.cache_hits), count(usage.offline_answers),
  ];
  const first = heading ? h('th', { class: 'text', scope: 'row' }, label) : h('td', { class: 'text' }, label);
  return h('tr', {}, first, ...figures.map((figure) => h('td', {}, figure)), h('td', { class: 'text' }, features));
}

async function load() {
  const period = Number(days.value);
  const report = await getJson(`/api/admin/ai-usage?days=${period}`);
  const budget = report.daily_budget;
  byId('usage-summary').textContent = report.days.length
    ? `${counted(report.days.length, 'day', 'days')} with AI use in the last ${counted(period, 'day', 'days')}; the daily budget is ${counted(budget, 'call', 'calls')}.`
    : `No AI use in the last ${counted(period, 'day', 'days')}; the daily budget is ${counted(budget, 'call', 'calls')}.`;
  byId('usage-rows').replaceChildren(...report.days.map((day) =>
    row(day.day, day, budget > 0 ? percent((100 * day.calls) / budget) : '—', byFeature(day.features))));
  byId('usage-total').replaceChildren(...(report.days.length ? [row('Total', report.total, '', '', { heading: true })] : []));
  byId('usage-users').replaceChildren(...(report.users.length
    ? report.users.map((user) => h('tr', {}, h('td', { class: 'text' }, user.name), h('td', {}, count(user.calls))))
    : [h('tr', {}, h('td', { class: 'text', colspan: '2' }, 'No user asked the AI in this period.'))]));
  showProviderState(report.last_failure, report.last_answer_at);
}

// The provider's last failure, as a warning while no answer came after it.
function showProviderState(failure, lastAnswerAt) {
  const notice = byId('usage-last-failure');
  if (!failure) {
    notice.hidden = true;
    return;
  }
  const what = `${dateTime(failure.at)} (${FEATURES[failure.feature] ?? failure.feature}): ${failure.reason}`;
  if (lastAnswerAt != null && lastAnswerAt > failure.at) {
    notify(notice, 'info', `Last provider failure: ${what}. The provider has answered since (last answer ${dateTime(lastAnswerAt)}).`);
  } else {
    notify(notice, 'warn', `The provider has not answered since its last failure: ${what}.`);
  }
}

function refresh() {
  load().catch((failure) => {
    byId('usage-summary').textContent = `Could not load the AI usage: ${failure.message}`;
  });
}

days.addEventListener('change', refresh);
refresh();
