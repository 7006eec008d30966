// The login form posts natively to /login; on failure the auth component redirects back here
// with ?error=<code>, shown inline.

import { byId, show } from './dom.js';

const MESSAGES = {
  invalid_credentials: 'Wrong username or password.',
  too_many_attempts: 'Too many failed attempts. Wait a few minutes and try again.',
};

const code = new URLSearchParams(location.search).get('error');
if (code) {
  show(byId('login-error'), MESSAGES[code] ?? 'Sign-in failed. Please try again.');
  byId('password').focus();
}
