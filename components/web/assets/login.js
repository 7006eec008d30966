// The login form posts natively to /login; on failure the auth component redirects back here
// with ?error=<code>, shown inline. Nobody is signed in here (after signing out, or when a session
// ended), so the tab forgets the last user's chat: the next user of the browser must not see it.

import { byId, show } from './dom.js';

const MESSAGES = {
  invalid_credentials: 'Wrong username or password.',
  too_many_attempts: 'Too many failed attempts. Wait a few minutes and try again.',
};

sessionStorage.clear();

const code = new URLSearchParams(location.search).get('error');
if (code) {
  show(byId('login-error'), MESSAGES[code] ?? 'Sign-in failed. Please try again.');
  byId('password').focus();
}
