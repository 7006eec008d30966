// The mentor's advice on one deal (/api/ava-advice), with a persona switcher shared with the
// chat panel. A spinner shows while the model thinks; an offline (rule-based) answer is marked.

import { getJson } from './api.js';
import { byId, h, safeFragment, show } from './dom.js';
import { MENTORS, chooseMentor, currentMentor, mentorName } from './mentors.js';

const SOURCES = {
  offline: ['offline', 'Offline assessment: rule-based, the AI mentor is unavailable right now'],
  cache: ['', 'Saved answer for this deal and your settings'],
};

let asin = null;
let request = null;

export function initAdvice() {
  const picker = byId('advice-mentors');
  picker.append(...MENTORS.map((mentor) => h('label', { class: 'check', title: mentor.role },
    h('input', { type: 'radio', name: 'advice-mentor', value: mentor.key, onchange: () => chooseMentor(mentor.key) }), mentor.name)));
  window.addEventListener('mentorchange', () => asin && showAdvice(asin));
}

/** Loads the current mentor's advice on `dealAsin` (cancels a pending one). */
export async function showAdvice(dealAsin) {
  asin = dealAsin;
  const mentor = currentMentor();
  for (const radio of byId('advice-mentors').querySelectorAll('input')) radio.checked = radio.value === mentor;
  const box = byId('advice');
  const source = byId('advice-source');
  request?.abort();
  request = new AbortController();
  const { signal } = request;
  box.setAttribute('aria-busy', 'true');
  box.textContent = `${mentorName(mentor)} is looking at this deal…`;
  source.replaceChildren();
  try {
    const answer = await getJson(`/api/ava-advice/${encodeURIComponent(dealAsin)}?mentor=${mentor}`, { signal });
    box.replaceChildren(safeFragment(answer.advice));
    const [badge, title] = SOURCES[answer.source] ?? [];
    if (badge) source.append(h('span', { class: `badge ${badge}`, title }, badge));
  } catch (failure) {
    if (failure.name === 'AbortError') return;
    show(box, `No advice right now: ${failure.message}`);
  } finally {
    if (!signal.aborted) box.removeAttribute('aria-busy');
  }
}

/** Stops a pending request when the overlay closes. */
export function stopAdvice() {
  asin = null;
  request?.abort();
}
