// Guided learning, step 2: follow the job (/api/learn/<id>) until it is done, then review and
// edit the extracted strategies (JSON) and mental models (lines) and approve them.

import './shell.js';
import { getJson, postJson } from './api.js';
import { byId, show } from './dom.js';

const POLL_MS = 2000;
const job = decodeURIComponent(location.pathname.split('/').pop());
const form = byId('review-form');
const strategies = byId('review-strategies');
const models = byId('review-models');

const finished = (status) => ['done', 'completed', 'succeeded', 'failed', 'error', 'approved'].includes(status);
const failed = (status) => ['failed', 'error'].includes(status);

function progressOf(state) {
  const progress = state.progress;
  if (typeof progress === 'number') return progress <= 1 ? progress * 100 : progress;
  if (progress && progress.total) return (100 * progress.done) / progress.total;
  return finished(state.status) ? 100 : null;
}

async function poll() {
  let state;
  try {
    state = await getJson(`/api/learn/${encodeURIComponent(job)}`);
  } catch (failure) {
    byId('job-status').textContent = `Cannot follow this job: ${failure.message}`;
    return;
  }
  const bar = byId('job-bar');
  const progress = progressOf(state);
  if (progress == null) bar.removeAttribute('value');
  else bar.value = progress;
  const detail = state.message ?? state.step ?? '';
  byId('job-status').textContent = `Status: ${state.status}${detail ? ` — ${detail}` : ''}`;
  if (!finished(state.status)) {
    setTimeout(poll, POLL_MS);
    return;
  }
  if (failed(state.status)) {
    byId('job-status').textContent = `Learning failed: ${state.error ?? state.message ?? 'no reason given'}`;
    return;
  }
  const result = state.result ?? state;
  strategies.value = JSON.stringify(result.strategies ?? [], null, 2);
  models.value = (result.mental_models ?? result.ideas ?? []).map((model) => model.content ?? model).join('\n');
  form.hidden = false;
}

function readStrategies() {
  try {
    const value = JSON.parse(strategies.value || '[]');
    if (!Array.isArray(value)) throw new Error('expected a JSON array [ … ]');
    strategies.removeAttribute('aria-invalid');
    show(byId('review-strategies-error'), '');
    return value;
  } catch (failure) {
    strategies.setAttribute('aria-invalid', 'true');
    show(byId('review-strategies-error'), `Strategies are not valid JSON: ${failure.message}`);
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
    result.className = 'notice ok';
    show(result, answer.message ?? `Saved: ${JSON.stringify(answer)}`);
  } catch (failure) {
    result.className = 'notice error';
    show(result, `Not saved: ${failure.message}`);
  }
});

poll();
