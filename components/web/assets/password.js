// The change-of-password form of the settings page over POST /api/account/password. The browser
// checks that the new password is long enough and typed the same twice; the server checks the
// current password. Other devices are signed out by the change; this one stays signed in.

import { postJson } from './api.js';
import { byId, fieldError, notify, show } from './dom.js';

export function initPasswordForm() {
  const form = byId('password-form');
  const status = byId('password-status');
  const [next, again] = [form.elements.new_password, form.elements.new_password_again];
  const minChars = next.minLength; // the page's minlength, the server's limit
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show(status, '');
    const tooShort = [...next.value].length < minChars;
    fieldError(next, tooShort ? `At least ${minChars} characters.` : '');
    fieldError(again, !tooShort && next.value !== again.value ? 'The two new passwords differ.' : '');
    const bad = [next, again].find((input) => input.getAttribute('aria-invalid') === 'true');
    if (bad) {
      bad.focus();
      return;
    }
    try {
      const { other_sessions_ended: ended } = await postJson('/api/account/password', {
        current_password: form.elements.current_password.value,
        new_password: next.value,
      });
      form.reset();
      const others = ended === 1 ? '1 other session was' : `${ended} other sessions were`;
      notify(status, 'ok', `Password changed. ${others} signed out.`);
    } catch (failure) {
      notify(status, 'error', `Not changed: ${failure.message}`);
    }
  });
}
