/**
 * The plain JavaScript the pages run in the browser, kept as strings: there is no build step. Every page
 * gets {@link FORM_SCRIPT}; a page adds its own few lines that call these helpers.
 *
 * @module
 */

/**
 * `api(path, body)` calls better-auth under `/api/auth` (POST with a JSON body, GET without one; the
 * browser adds the Origin header and cookies) and throws with better-auth's message on an error.
 * `onSubmit(id, handler)` runs `handler(fields, form)` for a form instead of a page load, and
 * `onClick(selector, handler)` runs `handler(button)` for every matching button; both show a thrown
 * error in the page's alert. `go(path)` loads another page.
 */
export const FORM_SCRIPT = `
async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const res = await fetch("/api/auth" + path, init);
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && (data.message || data.code)) || res.status + " " + res.statusText);
  return data;
}

function showError(error) {
  const alert = document.querySelector('[data-testid="error"]');
  alert.textContent = error instanceof Error ? error.message : String(error);
  alert.hidden = false;
}

async function run(control, action) {
  document.querySelector('[data-testid="error"]').hidden = true;
  control.disabled = true;
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    control.disabled = false;
  }
}

function onSubmit(id, handler) {
  const form = document.getElementById(id);
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit], button:not([type])") || form;
    run(button, () => handler(Object.fromEntries(new FormData(form)), form));
  });
}

function onClick(selector, handler) {
  for (const button of document.querySelectorAll(selector)) {
    button.addEventListener("click", () => run(button, () => handler(button)));
  }
}

function go(path) {
  window.location.assign(path);
}
`;
