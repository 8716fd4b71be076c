// The only place that knows the API's routes (issue 14's contract) and how errors look.
// Every call goes through request(): a 4xx shows the API's `detail` on the error line (the same
// one-line message the CLI prints), a 401 asks for the token once and then retries.

import { $ } from "./dom.js";

export const API = "/api/v1";

const q = encodeURIComponent;
const v = (version) => (version ? `?version=${q(version)}` : "");

/** Every route the studio uses, named; tests/studio/test_web_static.py checks them against the contract. */
export const paths = {
  projects: () => `${API}/projects`,
  runs: () => `${API}/runs`,
  run: (id) => `${API}/runs/${q(id)}`,
  plan: (id) => `${API}/runs/${q(id)}/plan`,
  shotEdit: (id, sid) => `${API}/runs/${q(id)}/plan/shots/${q(sid)}`,
  characterEdit: (id, cid) => `${API}/runs/${q(id)}/plan/characters/${q(cid)}`,
  uploads: () => `${API}/uploads`,
  upload: (sha) => `${API}/uploads/${q(sha)}`,
  approve: (id) => `${API}/runs/${q(id)}/approve`,
  revise: (id) => `${API}/runs/${q(id)}/revise`,
  cancel: (id) => `${API}/runs/${q(id)}/cancel`,
  render: (id) => `${API}/runs/${q(id)}/render`,
  shots: (id) => `${API}/runs/${q(id)}/shots`,
  rerender: (id, sid) => `${API}/runs/${q(id)}/shots/${q(sid)}/rerender`,
  lock: (id, sid) => `${API}/runs/${q(id)}/shots/${q(sid)}/lock`,
  unlock: (id, sid) => `${API}/runs/${q(id)}/shots/${q(sid)}/unlock`,
  takes: (id, sid) => `${API}/runs/${q(id)}/shots/${q(sid)}/takes`,
  setMain: (id, sid, hash) => `${API}/runs/${q(id)}/shots/${q(sid)}/takes/${q(hash)}/main`,
  versions: (id) => `${API}/runs/${q(id)}/versions`,
  diff: (id, a, b) => `${API}/runs/${q(id)}/diff?a=${q(a)}&b=${q(b)}`,
  film: (id, version) => `${API}/runs/${q(id)}/film${v(version)}`,
  exported: (id, name, version) => `${API}/runs/${q(id)}/exports/${q(name)}${v(version)}`,
  file: (id, path) => `${API}/runs/${q(id)}/files/${path.split("/").map(q).join("/")}`,
  events: (id, after) => `${API}/runs/${q(id)}/events${after ? `?after=${q(after)}` : ""}`,
  login: () => `${API}/login`,
};

/** The export names the API serves, in the order the buttons show them. */
export const EXPORTS = ["film.mp4", "film.srt", "film.vtt", "film.otio", "sheet.png", "plan.json"];

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** FastAPI's detail is a string for our errors, a list of {loc, msg} for schema errors. */
function detailText(body, status) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".")}: ${d.msg}`)
      .join("; ");
  }
  return status >= 500 ? `the server failed (HTTP ${status}); see its log` : `HTTP ${status}`;
}

export function showError(message) {
  const line = $("[data-testid=error-line]");
  line.textContent = message;
  line.hidden = !message;
}

export const clearError = () => showError("");

/**
 * fetch `url` as JSON. `body` is sent as JSON unless it is FormData/URLSearchParams. Errors
 * are shown on the error line and thrown as ApiError, so callers only handle success.
 */
export async function request(url, { method = "GET", body, quiet = false } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body instanceof URLSearchParams || body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const message = `cannot reach the studio server (${error.message})`;
    if (!quiet) showError(message);
    throw new ApiError(0, message);
  }
  if (response.status === 401 && !url.endsWith("/login")) {
    await askForToken();
    return request(url, { method, body, quiet });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = detailText(data, response.status);
    if (!quiet) showError(message);
    throw new ApiError(response.status, message);
  }
  return data;
}

let waitingForToken = null;

/** Show the token form; resolves once POST /login accepted a token (all 401s wait on one form). */
export function askForToken() {
  if (waitingForToken) return waitingForToken;
  const form = $("[data-testid=login-form]");
  const input = $("#login-token");
  const note = $("#login-note");
  form.hidden = false;
  input.focus();
  waitingForToken = new Promise((resolve) => {
    async function submit(event) {
      event.preventDefault();
      const body = new URLSearchParams({ token: input.value });
      try {
        await request(paths.login(), { method: "POST", body, quiet: true });
      } catch (error) {
        note.textContent = error.message || "that token was not accepted";
        return;
      }
      form.removeEventListener("submit", submit);
      form.hidden = true;
      input.value = "";
      note.textContent = "";
      waitingForToken = null;
      clearError();
      resolve();
    }
    form.addEventListener("submit", submit);
  });
  return waitingForToken;
}
