// The dashboard's filter form, read as the query parameters of /api/deals (DOMAIN §5.1): empty
// controls send nothing ("Any"). The filters survive reloads in localStorage.

const STORAGE_KEY = 'dashboard_filters';
const TYPING_DELAY_MS = 400;

/** The form's filters as query parameters (excluded conditions joined by commas). */
export function filterParams(form) {
  const params = new URLSearchParams();
  const excluded = [];
  for (const [name, value] of new FormData(form)) {
    if (name === 'excluded_conditions') excluded.push(value);
    else if (String(value).trim() !== '') params.set(name, String(value).trim());
  }
  if (excluded.length) params.set('excluded_conditions', excluded.join(','));
  return params;
}

function restore(form, params) {
  for (const control of form.elements) {
    if (!control.name) continue;
    if (control.type === 'checkbox') {
      const values = (params.get(control.name) ?? '').split(',');
      control.checked = values.includes(control.value);
    } else {
      control.value = params.get(control.name) ?? '';
    }
  }
}

/** Restores the saved filters, then calls `onChange` whenever a valid set of filters is applied. */
export function initFilters(form, onChange) {
  restore(form, new URLSearchParams(localStorage.getItem(STORAGE_KEY) ?? ''));
  let applied = filterParams(form).toString();
  // Typing, then leaving the field, fires both the debounced input and a change: apply once.
  const apply = () => {
    const params = filterParams(form).toString();
    if (!form.checkValidity() || params === applied) return;
    applied = params;
    localStorage.setItem(STORAGE_KEY, params);
    onChange();
  };
  let typing;
  form.addEventListener('change', apply);
  form.addEventListener('input', (event) => {
    if (event.target.type !== 'number' && event.target.type !== 'search') return;
    clearTimeout(typing);
    typing = setTimeout(apply, TYPING_DELAY_MS);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    if (form.reportValidity()) apply();
  });
  form.addEventListener('reset', () => setTimeout(apply));
}
