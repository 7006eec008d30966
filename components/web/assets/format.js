// How numbers look everywhere in the UI (DOMAIN §4.7, §5.9): money with cents, profit and
// all-in without, percentages rounded, ranks as 4.5M / 120K, ages as 5m / 3h / 2d / 4mo / 1y.

const DASH = '—';
const has = (value) => value !== null && value !== undefined && !Number.isNaN(Number(value));

export function money(value, digits = 2) {
  if (!has(value)) return DASH;
  const text = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${value < 0 ? '−' : ''}$${text}`;
}

export const percent = (value) => (has(value) ? `${Math.round(value)}%` : DASH);

export function rank(value) {
  if (!has(value)) return DASH;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (value >= 1000) return `${Math.round(value / 1000)}K`;
  return String(value);
}

export const count = (value) => (has(value) ? Number(value).toLocaleString('en-US') : DASH);

/** `n` things, the noun agreeing: `counted(1, 'deal', 'deals')` is "1 deal". */
export const counted = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;

export function ago(unixSeconds, now = Date.now() / 1000) {
  if (!has(unixSeconds)) return DASH;
  const minutes = Math.max(1, Math.floor((now - unixSeconds) / 60));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days}d`;
  const months = Math.floor(days / 30);
  return months < 12 ? `${months}mo` : `${Math.floor(days / 365)}y`;
}

export const dateTime = (unixSeconds) =>
  has(unixSeconds) ? new Date(unixSeconds * 1000).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : DASH;

export const sellerTrust = (quality) => (has(quality) ? `${Math.round(quality * 10)} / 10` : DASH);

export const TRENDS = { up: ['⇧', 'rising'], down: ['⇩', 'falling'], flat: ['⇨', 'flat'] };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const month = (number) => MONTHS[number - 1] ?? DASH;

const CONDITIONS = {
  new: 'New', used_like_new: 'U - LN', used_very_good: 'U - VG', used_good: 'U - G', used_acceptable: 'U - A',
  refurbished: 'Refurb', collectible_like_new: 'C - LN', collectible_very_good: 'C - VG', collectible_good: 'C - G',
  collectible_acceptable: 'C - A',
};
export const condition = (value) => CONDITIONS[value] ?? value ?? DASH;
export const conditionLong = (value) => (value ? value.replaceAll('_', ' ').replace(/^\w/, (c) => c.toUpperCase()) : DASH);
