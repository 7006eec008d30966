// The admin lists of the knowledge base: strategies (/api/strategies) or mental models
// (/api/intelligence), chosen by the page's list element, with counts, a quick search, and per
// item an Edit form (PUT, corrected in place) and a Delete button: every later prompt carries
// the knowledge, so a wrong lesson must be put right or go.

import './shell.js';
import { deleteJson, getJson, putJson } from './api.js';
import { byId, h, show } from './dom.js';

const list = byId('knowledge-list');
const kind = list.dataset.kind;
const search = byId('knowledge-search');
let items = [];

const textOf = (item) => [item.category, item.trigger, item.advice, item.content].filter(Boolean).join(' ');
// Triggers that name no situation, as crates/mentors reads them (`Strategy::situation`).
const NO_SITUATION = new Set(['general', 'manual entry', '']);
const situation = (trigger) => (NO_SITUATION.has((trigger ?? '').trim().toLowerCase()) ? 'any situation' : `when ${trigger}`);

function entry(item) {
  const remove = h('button', { type: 'button', class: 'link', onclick: (event) => removeItem(item, event.target.closest('li')) }, 'Delete');
  const edit = h('button', { type: 'button', class: 'link', onclick: (event) => event.target.closest('li').replaceWith(editor(item)) }, 'Edit');
  if (item.content) return h('li', { 'data-id': item.id }, item.content, h('div', { class: 'meta' }, item.date_added ?? '', ' · ', edit, ' · ', remove));
  return h('li', { 'data-id': item.id },
    h('strong', {}, item.category ?? 'General'), ' · ', situation(item.trigger), h('br'), item.advice ?? '',
    h('div', { class: 'meta' }, [item.confidence && `confidence ${item.confidence}`, item.date_added].filter(Boolean).join(' · '), ' · ', edit, ' · ', remove));
}

// The categories and confidences of crates/mentors and crates/learning (`CATEGORIES`, extraction).
const CATEGORIES = ['Buying', 'Pricing', 'Risk', 'Seasonality', 'General'];
const CONFIDENCES = ['High', 'Medium', 'Low'];

const field = (label, control) => h('label', { class: 'field' }, label, control);
const choice = (values, current) => h('select', {}, ...[...new Set([...values, current].filter(Boolean))].map((value) =>
  h('option', { value, selected: value === current ? '' : undefined }, value)));

// The item as a form in its place in the list; Save stores it (PUT) and shows it as stored.
function editor(item) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: '' });
  let fields;
  if (item.content !== undefined) {
    fields = { content: h('textarea', { rows: '3' }, item.content) };
  } else {
    const trigger = NO_SITUATION.has((item.trigger ?? '').trim().toLowerCase()) ? '' : item.trigger;
    fields = {
      category: choice(CATEGORIES, item.category),
      trigger: h('input', { type: 'text', value: trigger ?? '', placeholder: 'any situation' }),
      advice: h('textarea', { rows: '3' }, item.advice ?? ''),
      confidence: choice(CONFIDENCES, item.confidence),
    };
  }
  const labels = { content: 'Mental model', category: 'Category', trigger: 'When (empty: any situation)', advice: 'Advice', confidence: 'Confidence' };
  const listItem = h('li', { 'data-editing': '' });
  const form = h('form', { class: 'knowledge-edit' },
    ...Object.entries(fields).map(([name, control]) => field(labels[name], control)),
    error,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Save'), ' ',
      h('button', { type: 'button', onclick: () => listItem.replaceWith(entry(item)) }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(fields).map(([name, control]) => [name, control.value]));
    show(error, '');
    try {
      const saved = await putJson(`/api/${kind}/${item.id}`, body);
      items = items.map((known) => (known.id === saved.id ? saved : known));
      listItem.replaceWith(entry(saved));
    } catch (failure) {
      show(error, failure.message);
    }
  });
  listItem.append(form);
  return listItem;
}

// Only the deleted item leaves the list (an Edit form open elsewhere keeps what was typed); the
// counts are read again.
async function removeItem(item, listItem) {
  const what = kind === 'strategies' ? 'strategy' : 'mental model';
  if (!confirm(`Delete this ${what}? The mentors stop using it at once.`)) return;
  try {
    await deleteJson(`/api/${kind}/${item.id}`);
    listItem.remove();
    await load({ redraw: false });
  } catch (failure) {
    byId('knowledge-summary').textContent = `Could not delete: ${failure.message}`;
  }
}

// The search hides the items that do not match; an item being edited stays as it is.
function filter() {
  const needle = search.value.trim().toLowerCase();
  for (const listItem of list.children) {
    if (listItem.hasAttribute('data-editing')) continue;
    const item = items.find((known) => known.id === Number(listItem.dataset.id));
    listItem.hidden = Boolean(needle) && !textOf(item ?? {}).toLowerCase().includes(needle);
  }
}

// The items and their counts; `redraw` puts the list in their place.
async function load({ redraw = true } = {}) {
  const answer = await getJson(`/api/${kind}`);
  items = answer.items;
  const total = answer.total_count ?? items.length;
  const today = answer.new_today_count;
  byId('knowledge-summary').textContent = `${total} stored${today != null ? `, ${today} added today` : ''}.`;
  if (!redraw) return;
  list.replaceChildren(...items.map(entry));
  filter();
}

load().catch((failure) => {
  byId('knowledge-summary').textContent = `Could not load: ${failure.message}`;
});
search.addEventListener('input', filter);
