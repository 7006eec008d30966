// Guided learning, step 1: submit text or a web address to POST /learn, which answers at once
// with a job id; the job page follows its progress. Below the form, the recent lessons
// (GET /api/learn) link back to their job pages, so a lesson left waiting for review is found
// again; the list refreshes while any of them is still being worked on.

import './shell.js';
import { getJson, postJson } from './api.js';
import { byId, fieldError, h } from './dom.js';
import { counted, dateTime } from './format.js';

const RECENT_POLL_MS = 5000;

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

// What each job state means to the admin, and its badge.
const STATES = {
  pending: ['Waiting to start', ''],
  running: ['Working', ''],
  done: ['Ready for review', 'review'],
  approved: ['Approved', 'approved'],
  failed: ['Failed', 'failed'],
};

function outcome(job) {
  if (job.status === 'failed') return job.error ?? 'no reason given';
  if (job.status === 'running') return job.progress;
  if (job.strategies_found == null) return null;
  return `found ${counted(job.strategies_found, 'strategy', 'strategies')}, ${counted(job.mental_models_found ?? 0, 'mental model', 'mental models')}`;
}

function recentEntry(job) {
  const [label, badge] = STATES[job.status] ?? [job.status, ''];
  const submitted = [`submitted ${dateTime(job.created_at)}`, job.submitted_by && `by ${job.submitted_by}`].filter(Boolean).join(' ');
  return h('li', { 'data-job': job.job_id },
    h('a', { href: `/guided-learning/${job.job_id}` }, `Lesson ${job.job_id}`),
    h('span', { class: `badge ${badge}` }, label),
    h('div', {}, job.input_kind === 'url' ? job.input_preview : `“${job.input_preview}”`),
    h('div', { class: 'meta' }, [submitted, outcome(job)].filter(Boolean).join(' · ')));
}

async function loadRecent() {
  const summary = byId('recent-summary');
  try {
    const { jobs } = await getJson('/api/learn');
    byId('recent-jobs').replaceChildren(...jobs.map(recentEntry));
    const waiting = jobs.filter((job) => job.status === 'done').length;
    summary.textContent = jobs.length === 0 ? 'Nothing taught yet.' : waiting ? `${counted(waiting, 'lesson', 'lessons')} ready for review.` : '';
    if (jobs.some((job) => job.status === 'pending' || job.status === 'running')) setTimeout(loadRecent, RECENT_POLL_MS);
  } catch (failure) {
    summary.textContent = `Could not load the recent lessons: ${failure.message}`;
  }
}

loadRecent();
