// The mentor chat panel of every signed-in page. The conversation (its id and the visible turns)
// lives in sessionStorage, so it follows the user from page to page within a tab and nothing of
// it stays in the browser once the tab closes. A tab that starts without one asks the server for
// the user's latest conversation (GET /api/mentor-chat) and continues it. A line under the title
// names the deal the server says the conversation is about (the deal overlay starts such a
// question, see 'chatabout'). "Earlier" lists the user's other conversations
// (GET /api/mentor-chat/conversations); opening one shows it and the next question continues it,
// and each can be deleted there (the open one too: the panel then starts afresh).
// User text is only ever a text node; replies go through safeFragment.

import { deleteJson, getJson, postJson } from './api.js';
import { byId, h, safeFragment, show } from './dom.js';
import { counted, dateTime } from './format.js';
import { MENTORS, chooseMentor, currentMentor, mentorName } from './mentors.js';

const STORAGE_KEY = 'agent_chat';
// `deal`: the deal the server says the conversation is about ({asin, title}), or null.
const fresh = () => ({ conversationId: null, turns: [], deal: null });

function load() {
  try {
    return { ...fresh(), ...JSON.parse(sessionStorage.getItem(STORAGE_KEY)) };
  } catch {
    return fresh();
  }
}

export function initChat() {
  const panel = byId('chat');
  if (!panel) return;
  const [toggle, select, log, form, input, error, about, earlier, earlierToggle] =
    ['chat-toggle', 'chat-mentor', 'chat-log', 'chat-form', 'chat-input', 'chat-error', 'chat-deal', 'chat-history', 'chat-history-toggle'].map(byId);
  const restoring = sessionStorage.getItem(STORAGE_KEY) === null;
  let state = load();
  const save = () => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  const add = (turn) => {
    state.turns.push(turn);
    save();
    log.append(turnItem(turn));
    log.scrollTop = log.scrollHeight;
  };
  // Which deal the mentor has in front of it, as the server reported with the last answer; the
  // title links to the deal's overlay on the dashboard.
  const showDeal = () => {
    about.hidden = !state.deal;
    if (!state.deal) return about.replaceChildren();
    const link = h('a', { href: `/dashboard?deal=${encodeURIComponent(state.deal.asin)}` }, state.deal.title ?? 'the book');
    about.replaceChildren('Talking about ', link, ` — ${state.deal.asin}`);
  };

  select.append(...MENTORS.map((mentor) => h('option', { value: mentor.key, title: mentor.role }, mentor.name)));
  select.value = currentMentor();
  log.append(...state.turns.map(turnItem));
  showDeal();

  const setOpen = (open) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    (open ? input : toggle).focus();
    if (open) log.scrollTop = log.scrollHeight;
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden));
  byId('chat-close').addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => event.key === 'Escape' && setOpen(false));
  const startAfresh = () => {
    state = fresh();
    save();
    log.replaceChildren();
    showDeal();
  };
  byId('chat-clear').addEventListener('click', () => {
    showEarlier(false);
    startAfresh();
    input.focus();
  });

  if (restoring) {
    restoreLatest().catch(() => {}); // an empty panel is the fallback; the chat itself still works
  }
  async function restoreLatest() {
    const { conversation, deal } = await getJson('/api/mentor-chat');
    if (!conversation || state.turns.length) return; // none yet, or the user started typing meanwhile
    showConversation(conversation, deal);
  }
  // A stored conversation (GET /api/mentor-chat) becomes the panel's; its mentor is chosen first,
  // on an empty state, so the switch adds no "Now talking to" line.
  function showConversation(conversation, deal) {
    state = fresh();
    if (conversation.mentor !== currentMentor()) chooseMentor(conversation.mentor);
    state = { conversationId: conversation.id, turns: conversation.turns.map((turn) => fromServer(turn, conversation.mentor)), deal: deal ?? null };
    save();
    showDeal();
    log.replaceChildren(...state.turns.map(turnItem));
    log.scrollTop = log.scrollHeight;
  }

  // "Earlier": the list of the user's conversations in place of the current one, and back.
  async function showEarlier(open) {
    earlier.hidden = !open;
    log.hidden = open;
    form.hidden = open;
    earlierToggle.setAttribute('aria-expanded', String(open));
    earlierToggle.textContent = open ? 'Back' : 'Earlier';
    if (!open) return;
    earlier.replaceChildren(h('li', { class: 'meta' }, 'Loading…'));
    try {
      const { conversations } = await getJson('/api/mentor-chat/conversations');
      earlier.replaceChildren(...(conversations.length ? conversations.map(earlierItem) : [noChats()]));
    } catch (failure) {
      earlier.replaceChildren(h('li', { class: 'form-error' }, `Could not load earlier chats: ${failure.message}`));
    }
  }
  const noChats = () => h('li', { class: 'meta' }, 'No chats yet.');
  const earlierItem = (conversation) => h('li', { 'data-conversation': conversation.id },
    h('button', { type: 'button', class: 'link open-chat', onclick: () => openEarlier(conversation.id) }, conversation.first_question || '(no question)'),
    h('div', { class: 'meta' }, `${mentorName(conversation.mentor)} · ${dateTime(conversation.updated_at)} · ${counted(conversation.turns, 'message', 'messages')} · `,
      deleteButton(conversation.id)));
  // Deleting takes a second click ("Really delete?"): the server keeps no copy to restore.
  function deleteButton(id) {
    const button = h('button', { type: 'button', class: 'link delete-chat' }, 'Delete');
    button.addEventListener('click', async () => {
      if (!button.dataset.armed) {
        button.dataset.armed = 'true';
        button.textContent = 'Really delete?';
        return;
      }
      button.disabled = true;
      try {
        await deleteJson(`/api/mentor-chat/conversations/${encodeURIComponent(id)}`);
        button.closest('li').remove();
        if (!earlier.querySelector('li[data-conversation]')) earlier.replaceChildren(noChats());
        if (state.conversationId === id) startAfresh();
      } catch (failure) {
        button.disabled = false;
        show(error, `Could not delete that chat: ${failure.message}`);
      }
    });
    return button;
  }
  async function openEarlier(id) {
    try {
      const { conversation, deal } = await getJson(`/api/mentor-chat?conversation_id=${encodeURIComponent(id)}`);
      showConversation(conversation, deal);
      showEarlier(false);
      input.focus();
    } catch (failure) {
      show(error, `Could not open that chat: ${failure.message}`);
    }
  }
  earlierToggle.addEventListener('click', () => showEarlier(earlier.hidden));

  // "Discuss this deal in the chat" (deal overlay): the question starts with the deal's ASIN,
  // which tells the server which deal the conversation is about; its follow-ups stay on it.
  window.addEventListener('chatabout', ({ detail }) => {
    setOpen(true);
    input.value = detail.title ? `About "${detail.title}" (${detail.asin}): ` : `About ${detail.asin}: `;
    input.setSelectionRange(input.value.length, input.value.length);
  });

  select.addEventListener('change', () => chooseMentor(select.value));
  window.addEventListener('mentorchange', ({ detail }) => {
    select.value = detail;
    // A new persona starts a new conversation: the server keeps one persona per conversation.
    state.conversationId = null;
    state.deal = null;
    showDeal();
    if (state.turns.length) add({ role: 'divider', text: `Now talking to ${mentorName(detail)}` });
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    const mentor = currentMentor();
    show(error, '');
    add({ role: 'user', text: message });
    input.value = '';
    const pending = h('li', { class: 'from-mentor', 'aria-busy': 'true' }, `${mentorName(mentor)} is thinking…`);
    log.append(pending);
    try {
      const body = { message, mentor };
      if (state.conversationId) body.conversation_id = state.conversationId;
      const reply = await postJson('/api/mentor-chat', body);
      state.conversationId = reply.conversation_id ?? null;
      state.deal = reply.deal ?? null;
      showDeal();
      add({ role: 'mentor', mentor, html: reply.reply, source: reply.source });
    } catch (failure) {
      show(error, failure.message);
    } finally {
      pending.remove();
    }
  });
}

// A stored turn (GET /api/mentor-chat) in the panel's own form.
function fromServer(turn, mentor) {
  return turn.role === 'user' ? { role: 'user', text: turn.content } : { role: 'mentor', mentor, html: turn.content, source: turn.source };
}

function turnItem(turn) {
  if (turn.role === 'divider') return h('li', { class: 'divider' }, turn.text);
  if (turn.role === 'user') return h('li', { class: 'from-user' }, h('span', { class: 'who' }, 'You'), turn.text);
  const who = h('span', { class: 'who' }, mentorName(turn.mentor),
    turn.source === 'offline' ? h('span', { class: 'badge offline' }, 'offline') : null);
  const item = h('li', { class: 'from-mentor' }, who);
  item.append(safeFragment(turn.html));
  return item;
}
