// Building DOM without HTML strings. `h` sets text through text nodes only, so data from the
// APIs (titles, user messages) can never become markup. `safeFragment` is the one way model
// output (HTML already sanitized by the server) enters a page: it is parsed in an inert
// document and rebuilt from a tag whitelist with no attributes at all.

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child != null && child !== false).map(toNode));
  return element;
}

const toNode = (child) => (child instanceof Node ? child : document.createTextNode(String(child)));

export const byId = (id) => document.getElementById(id);

export function show(element, text) {
  element.textContent = text ?? '';
  element.hidden = !text;
}

// A form field's own message (the element `<input id>-error`), empty for none; marks the field
// invalid while there is one.
export function fieldError(input, text) {
  input.setAttribute('aria-invalid', String(Boolean(text)));
  show(byId(`${input.id}-error`), text);
}

// A status line (`.notice`) of the given kind: ok, error, warn or info.
export function notify(element, kind, text) {
  element.className = `notice ${kind}`;
  show(element, text);
}

const ALLOWED = new Set(['B', 'I', 'EM', 'STRONG', 'BR', 'P', 'UL', 'OL', 'LI']);
const DROPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'NOSCRIPT']);

export function safeFragment(html) {
  const inert = new DOMParser().parseFromString(String(html ?? ''), 'text/html');
  const fragment = document.createDocumentFragment();
  copyAllowed(inert.body, fragment);
  return fragment;
}

function copyAllowed(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.append(document.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE && !DROPPED.has(node.tagName)) {
      if (ALLOWED.has(node.tagName)) {
        const copy = document.createElement(node.tagName);
        copyAllowed(node, copy);
        to.append(copy);
      } else {
        copyAllowed(node, to);
      }
    }
  }
}
