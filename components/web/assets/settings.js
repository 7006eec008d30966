// The settings page: the business-costs form over /api/settings (browser checks first: numbers,
// not negative; then the server's verdict; a message naming a field is shown under that field)
// and the change of password.

import './shell.js';
import { getJson, postJson } from './api.js';
import { byId, fieldError, notify, show } from './dom.js';
import { initPasswordForm } from './password.js';

const form = byId('settings-form');
const status = byId('settings-status');
const NUMBERS = ['prep_fee', 'inbound_shipping', 'sales_tax_pct', 'markup_pct'];
const LABELS = { prep_fee: 'Prep fee', inbound_shipping: 'Inbound shipping', sales_tax_pct: 'Sales tax', markup_pct: 'Markup' };

const setError = (name, text) => fieldError(form.elements[name], text);

const say = (kind, text) => notify(status, kind, text);

function validate() {
  let firstBad = null;
  for (const name of NUMBERS) {
    const input = form.elements[name];
    const text = input.value.trim();
    const problem = text === '' ? 'Enter a number.'
      : !Number.isFinite(Number(text)) ? 'Enter a number such as 2.75.'
      : Number(text) < 0 ? 'Must not be negative.'
      : input.max && Number(text) > Number(input.max) ? `At most ${input.max}.`
      : '';
    setError(name, problem && `${LABELS[name]}: ${problem}`);
    if (problem && !firstBad) firstBad = input;
  }
  firstBad?.focus();
  return !firstBad;
}

async function load() {
  const settings = await getJson('/api/settings');
  for (const name of NUMBERS) form.elements[name].value = settings[name];
  form.elements.tax_exempt.checked = Boolean(settings.tax_exempt);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  show(status, '');
  if (!validate()) return;
  const body = Object.fromEntries(NUMBERS.map((name) => [name, Number(form.elements[name].value)]));
  body.tax_exempt = form.elements.tax_exempt.checked;
  try {
    await postJson('/api/settings', body);
    say('ok', 'Saved. Your deals now use these costs.');
  } catch (failure) {
    const field = NUMBERS.find((name) => failure.message.includes(name));
    if (field) setError(field, failure.message);
    say('error', `Not saved: ${failure.message}`);
  }
});

load().catch((failure) => say('error', `Could not load your settings: ${failure.message}`));
initPasswordForm();
