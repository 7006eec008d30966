// The admin lists of the knowledge base: strategies (/api/strategies) or mental models
// (/api/intelligence), chosen by the page's list element, with counts and a quick search.

import './shell.js';
import { getJson } from './api.js';
import { byId, h } from './dom.js';

const list = byId('knowledge-list');
const kind = list.dataset.kind;
const search = byId('knowledge-search');
let items = [];

const textOf = (item) => (typeof item === 'string' ? item : [item.category, item.trigger, item.advice, item.content].filter(Boolean).join(' '));

function entry(item) {
  if (typeof item === 'string') return h('li', {}, item);
  if (item.content) return h('li', {}, item.content, h('div', { class: 'meta' }, item.date_added ?? ''));
  return h('li', {},
    h('strong', {}, item.category ?? 'General'), ' · when ', item.trigger ?? '—', h('br'), item.advice ?? '',
    h('div', { class: 'meta' }, [item.confidence && `confidence ${item.confidence}`, item.date_added].filter(Boolean).join(' · ')));
}

function render() {
  const needle = search.value.trim().toLowerCase();
  const shown = needle ? items.filter((item) => textOf(item).toLowerCase().includes(needle)) : items;
  list.replaceChildren(...shown.map(entry));
}

getJson(`/api/${kind}`).then((answer) => {
  items = answer.items;
  const total = answer.total_count ?? items.length;
  const today = answer.new_today_count;
  byId('knowledge-summary').textContent = `${total} stored${today != null ? `, ${today} added today` : ''}.`;
  render();
}).catch((failure) => {
  byId('knowledge-summary').textContent = `Could not load: ${failure.message}`;
});
search.addEventListener('input', render);
