// Is the data fresh? Judged from the ingestion object of /api/health (`failing`, `last_error`,
// `last_healthy_at`, `last_run_at`): a current failure, or no healthy run for a while, means
// the deals on screen may be out of date. And are the mentors answering from the model? Judged
// from its ai object (`budget_state`, `provider_failing`).

import { getJson } from './api.js';
import { ago } from './format.js';

/** Ingestion runs every 5 minutes; six missed runs are worth a warning. */
const STALE_AFTER_SECONDS = 30 * 60;

export const fetchHealth = () => getJson('/api/health');

const seconds = (value) => (typeof value === 'number' ? value : value?.at ?? null);
const message = (error) => (typeof error === 'string' ? error : error?.message ?? 'unknown error');

/** A sentence for the user when ingestion is failing or behind, else null. */
export function ingestionProblem(health, now = Date.now() / 1000) {
  const ingestion = health?.ingestion;
  if (!ingestion) return null;
  const healthyAt = seconds(ingestion.last_healthy_at) ?? seconds(ingestion.last_run_at);
  const error = ingestion.last_error;
  if (error && (ingestion.failing || !healthyAt || seconds(error) > healthyAt)) {
    return `Deal updates are failing (${message(error)}); last good update ${healthyAt ? `${ago(healthyAt, now)} ago` : 'never'}.`;
  }
  if (!healthyAt) return 'Deals have not been updated yet; the first update is on its way.';
  if (now - healthyAt > STALE_AFTER_SECONDS) return `Deals may be out of date: the last update ran ${ago(healthyAt, now)} ago.`;
  return null;
}

/** A sentence when the mentors answer offline for everyone (budget used up, provider failing), else null. */
export function aiProblem(health, now = Date.now() / 1000) {
  const ai = health?.ai;
  if (!ai?.configured) return null; // each answer says so itself; the demo and tests run a mock
  if (ai.budget_state === 'refused') return "Today's AI budget is used up: the mentors answer from their rules (offline) until 00:00 UTC.";
  if (ai.provider_failing) {
    return `The AI provider is failing (last failure ${ago(ai.last_failure_at, now)} ago): the mentors answer from their rules (offline) until it answers again.`;
  }
  return null;
}
