// The four mentor personas (DOMAIN §5.4) and the one chosen, shared by the chat panel and the
// deal overlay: stored in localStorage and announced with a `mentorchange` event on window.

export const MENTORS = [
  { key: 'olyvia', name: 'Olyvia', role: 'CFO advisor: margin first, minimal exposure' },
  { key: 'joel', name: 'Joel', role: 'The Flipper: velocity and quick turnover' },
  { key: 'evelyn', name: 'Evelyn', role: 'The Professor: explains the concepts' },
  { key: 'errol', name: 'Errol', role: 'The Quant: numbers and probabilities' },
];

const STORAGE_KEY = 'agent_mentor';

export function currentMentor() {
  const stored = localStorage.getItem(STORAGE_KEY);
  return MENTORS.some((mentor) => mentor.key === stored) ? stored : MENTORS[0].key;
}

export function chooseMentor(key) {
  if (key === currentMentor()) return;
  localStorage.setItem(STORAGE_KEY, key);
  window.dispatchEvent(new CustomEvent('mentorchange', { detail: key }));
}

export const mentorName = (key) => MENTORS.find((mentor) => mentor.key === key)?.name ?? key;
