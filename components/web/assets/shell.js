// What every signed-in page shares: the current page marked in the navigation, and the mentor
// chat panel. Each page's entry module imports this first.

import { initChat } from './chat.js';

for (const link of document.querySelectorAll('.topbar nav a')) {
  if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
}
initChat();
