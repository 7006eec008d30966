// Guided learning, step 2: follow the job (/api/learn/<id>) until it is done, then review and
// edit the extracted strategies (JSON) and mental models (lines) and approve them. A failed job
// (a page that was down, a provider error) can be tried again: the same input as a new job.

import './shell.js';
import { getJson, postJson } from './api.js';
import { byId, fieldError, notify, show } from './dom.js';

const POLL_MS = 2000;
const job = decodeURIComponent(location.pathname.split('/').pop());
const form = byId('review-form');
const strategies = byId('review-strategies');
const models = byId('review-models');

// Job states of the learn component: pending → running → done (→ approved) or failed.
const STEPS = { pending: 10, running: 50, done: 100, approved: 100, failed: 100 };
const finished = (status) => ['done', 'approved', 'failed'].includes(status);

async function poll() {
  let state;
  try {
    state = await getJson(`/api/learn/${encodeURIComponent(job)}`);
  } catch (failure) {
    byId('job-status').textContent = `Cannot follow this job: ${failure.message}`;
    return;
  }
  byId('job-bar').value = STEPS[state.status] ?? 0;
  byId('job-status').textContent = `Status: ${state.status}${state.progress ? ` — ${state.progress}` : ''}`;
  if (!finished(state.status)) {
    setTimeout(poll, POLL_MS);
    return;
  }
  if (state.status === 'failed') {
    byId('job-status').textContent = `Learning failed: ${state.error ?? 'no reason given'}`;
    offerRetry(state);
    return;
  }
  showSource(state);
  strategies.value = JSON.stringify(state.strategies ?? [], null, 2);
  models.value = (state.mental_models ?? []).join('\n');
  form.hidden = false;
}

// What the extractions read (a fetched page's visible text, or the pasted text), to check the
// lesson against — a page that served a cookie wall instead of the article shows here.
function showSource(state) {
  if (state.source_text == null) return;
  const chars = state.source_text.length.toLocaleString('en-US');
  byId('job-source-summary').textContent = `The text the mentors read (${chars} characters)`;
  byId('job-input').textContent = state.input_kind === 'url' ? `From ${state.input}` : 'From the pasted text';
  byId('job-source-text').textContent = state.source_text;
  byId('job-source').hidden = false;
}

function offerRetry(state) {
  const button = byId('job-retry');
  byId('job-retry-row').hidden = false;
  button.onclick = async () => {
    button.disabled = true;
    try {
      const { job_id: retry } = await postJson('/learn', state.input_kind === 'url' ? { url: state.input } : { text: state.input });
      location.assign(`/guided-learning/${encodeURIComponent(retry)}`);
    } catch (failure) {
      show(byId('job-retry-error'), `Not started: ${failure.message}`);
      button.disabled = false;
    }
  };
}

// The strategies as the approval sends them: the JSON array as edited, or — when the admin wrote
// plain lines instead of JSON — one General strategy per non-empty line (as the original's
// "Manual Entry"). Text that starts like JSON but does not parse is refused, never split up.
function readStrategies() {
  const text = strategies.value.trim();
  if (text && !/^[[{]/.test(text)) {
    fieldError(strategies, '');
    return text.split('\n').map((line) => line.trim()).filter(Boolean);
  }
  try {
    const value = JSON.parse(text || '[]');
    if (!Array.isArray(value)) throw new Error('expected a JSON array [ … ]');
    fieldError(strategies, '');
    return value;
  } catch (failure) {
    fieldError(strategies, `Strategies are not valid JSON: ${failure.message}`);
    strategies.focus();
    return null;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const approved = readStrategies();
  if (!approved) return;
  const mentalModels = models.value.split('\n').map((line) => line.trim()).filter(Boolean);
  const result = byId('review-result');
  try {
    const answer = await postJson(`/api/learn/${encodeURIComponent(job)}/approve`, { strategies: approved, mental_models: mentalModels });
    const { strategies: s, mental_models: m } = answer;
    notify(result, 'ok', `Saved ${s.saved} new strategies (${s.skipped} duplicates skipped) and ${m.saved} mental models (${m.skipped} skipped).`);
  } catch (failure) {
    notify(result, 'error', `Not saved: ${failure.message}`);
  }
});

poll();
