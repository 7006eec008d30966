// The admin lists of the knowledge base: strategies (/api/strategies) or mental models
// (/api/intelligence), chosen by the page's list element, with counts, a quick search and a
// Delete button per item (every later prompt carries the knowledge, so a wrong lesson must go).

import './shell.js';
import { deleteJson, getJson } from './api.js';
import { byId, h } from './dom.js';

const list = byId('knowledge-list');
const kind = list.dataset.kind;
const search = byId('knowledge-search');
let items = [];

const textOf = (item) => [item.category, item.trigger, item.advice, item.content].filter(Boolean).join(' ');
// Triggers that name no situation, as crates/mentors reads them (`Strategy::situation`).
const NO_SITUATION = new Set(['general', 'manual entry', '']);
const situation = (trigger) => (NO_SITUATION.has((trigger ?? '').trim().toLowerCase()) ? 'any situation' : `when ${trigger}`);

function entry(item) {
  const remove = h('button', { type: 'button', class: 'link', onclick: () => removeItem(item) }, 'Delete');
  if (item.content) return h('li', {}, item.content, h('div', { class: 'meta' }, item.date_added ?? '', ' · ', remove));
  return h('li', {},
    h('strong', {}, item.category ?? 'General'), ' · ', situation(item.trigger), h('br'), item.advice ?? '',
    h('div', { class: 'meta' }, [item.confidence && `confidence ${item.confidence}`, item.date_added].filter(Boolean).join(' · '), ' · ', remove));
}

async function removeItem(item) {
  const what = kind === 'strategies' ? 'strategy' : 'mental model';
  if (!confirm(`Delete this ${what}? The mentors stop using it at once.`)) return;
  try {
    await deleteJson(`/api/${kind}/${item.id}`);
    await load();
  } catch (failure) {
    byId('knowledge-summary').textContent = `Could not delete: ${failure.message}`;
  }
}

function render() {
  const needle = search.value.trim().toLowerCase();
  const shown = needle ? items.filter((item) => textOf(item).toLowerCase().includes(needle)) : items;
  list.replaceChildren(...shown.map(entry));
}

async function load() {
  const answer = await getJson(`/api/${kind}`);
  items = answer.items;
  const total = answer.total_count ?? items.length;
  const today = answer.new_today_count;
  byId('knowledge-summary').textContent = `${total} stored${today != null ? `, ${today} added today` : ''}.`;
  render();
}

load().catch((failure) => {
  byId('knowledge-summary').textContent = `Could not load: ${failure.message}`;
});
search.addEventListener('input', render);
