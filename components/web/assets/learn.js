// Guided learning, step 1: submit text or a web address to POST /learn, which answers at once
// with a job id; the job page follows its progress.

import './shell.js';
import { postJson } from './api.js';
import { byId, fieldError } from './dom.js';

const form = byId('learn-form');
const input = byId('learn-input');

function problem(kind, value) {
  if (!value) return 'Paste some text or a web address.';
  if (kind === 'url') {
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https addresses can be fetched.';
    } catch {
      return 'That is not a web address (it should start with https://).';
    }
  }
  return null;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const kind = form.elements.kind.value;
  const value = input.value.trim();
  const invalid = problem(kind, value);
  fieldError(input, invalid);
  if (invalid) return input.focus();
  try {
    const { job_id: job } = await postJson('/learn', kind === 'url' ? { url: value } : { text: value });
    location.assign(`/guided-learning/${encodeURIComponent(job)}`);
  } catch (failure) {
    fieldError(input, `Not started: ${failure.message}`);
  }
});
