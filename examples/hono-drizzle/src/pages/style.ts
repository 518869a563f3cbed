/**
 * The pages' one stylesheet, served by the Worker at `/assets/style.css` (no build step, no CSS framework,
 * nothing from a CDN): the Content-Security-Policy allows styles from this origin only.
 *
 * @module
 */

/** Where the pages link the stylesheet from. */
export const STYLESHEET_PATH = "/assets/style.css";

/** The stylesheet: system fonts, one accent colour, light and dark, one column that fits a phone. */
export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #fff; --text: #1b1f24; --muted: #5b6470; --line: #d9dde3;
  --accent: #2756d8; --accent-text: #fff; --ok: #e3f4e6; --bad: #fbe4e4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171b; --card: #1d2127; --text: #e8eaed; --muted: #a0a8b3; --line: #343a42;
    --accent: #7c9cff; --accent-text: #0d1117; --ok: #1f3b27; --bad: #4a2326;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
nav {
  display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0.75rem 1rem;
  background: var(--card); border-bottom: 1px solid var(--line);
}
nav a { color: var(--text); text-decoration: none; font-weight: 600; }
nav a:hover, nav a:focus-visible { color: var(--accent); }
[data-testid="session-state"] { max-width: 44rem; margin: 0.75rem auto 0; padding: 0 1rem; color: var(--muted); font-size: 0.9rem; }
main { max-width: 44rem; margin: 0 auto 3rem; padding: 0 1rem; }
h1 { font-size: 1.75rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 0 0 0.75rem; }
a { color: var(--accent); }
section > :first-child, main > form > :first-child { margin-top: 0; }
section, main > form {
  background: var(--card); border: 1px solid var(--line); border-radius: 0.75rem;
  padding: 1rem 1.25rem; margin: 1rem 0;
}
section form { margin: 0.75rem 0 0; }
label { display: block; margin: 0 0 0.75rem; font-weight: 600; }
input, select {
  display: block; width: 100%; max-width: 24rem; margin-top: 0.25rem; padding: 0.55rem 0.7rem;
  font: inherit; font-weight: 400; color: inherit; background: var(--bg);
  border: 1px solid var(--line); border-radius: 0.5rem;
}
input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button {
  font: inherit; font-weight: 600; cursor: pointer; margin: 0.25rem 0.5rem 0.25rem 0; padding: 0.5rem 1rem;
  color: var(--accent-text); background: var(--accent); border: 1px solid var(--accent); border-radius: 0.5rem;
}
button[type="button"] { color: var(--accent); background: transparent; }
button:disabled { opacity: 0.6; cursor: progress; }
[role="status"], [role="alert"] { padding: 0.6rem 0.9rem; border-radius: 0.5rem; }
[role="status"] { background: var(--ok); }
[role="alert"] { background: var(--bad); }
[hidden] { display: none !important; }
code, .secret { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
ul, ol { padding-left: 1.25rem; }
li { margin: 0.25rem 0; }
[data-testid="totp-qr"] svg { display: block; width: 14rem; max-width: 100%; height: auto; margin: 0.5rem 0; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
td, th { padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td:first-child { overflow-wrap: anywhere; }
td:not(:first-child) { white-space: nowrap; }
small { color: var(--muted); }
@media (max-width: 32rem) {
  h1 { font-size: 1.45rem; }
  section, main > form { padding: 0.9rem; border-radius: 0.5rem; }
  thead { display: none; }
  tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
  td, td:not(:first-child) { display: block; border: 0; padding: 0.1rem 0; white-space: normal; }
}
`;
