// The admin editor of the Keepa deal selection (/api/admin/keepa-query): the JSON is checked
// in the browser before it is sent, and the server validates it again.

import './shell.js';
import { getJson, putJson } from './api.js';
import { byId, fieldError, notify } from './dom.js';
import { dateTime } from './format.js';

const text = byId('query-text');
const status = byId('query-status');

function parsed() {
  try {
    const value = JSON.parse(text.value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the query must be a JSON object { … }');
    fieldError(text, '');
    return value;
  } catch (failure) {
    fieldError(text, `Invalid JSON: ${failure.message}`);
    return null;
  }
}

function describe(answer) {
  notify(status, 'info', answer.is_default ? 'Using the built-in default query.' : `Saved ${dateTime(answer.updated_at)}.`);
}

byId('query-format').addEventListener('click', () => {
  const value = parsed();
  if (value) text.value = JSON.stringify(value, null, 2);
});
byId('query-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = parsed();
  if (!value) return text.focus();
  try {
    const answer = await putJson('/api/admin/keepa-query', value);
    text.value = JSON.stringify(answer.query, null, 2);
    describe(answer);
  } catch (failure) {
    fieldError(text, `Not saved: ${failure.message}`);
  }
});

getJson('/api/admin/keepa-query').then((answer) => {
  text.value = JSON.stringify(answer.query, null, 2);
  describe(answer);
}).catch((failure) => notify(status, 'error', `Could not load the query: ${failure.message}`));
