// Small DOM helpers: every element is built with h(), never from HTML strings, so text from
// the API (briefs, descriptions, dialogue) can never become markup.

/** h("button", {class: "x", onclick: fn, "data-testid": "y"}, "label", child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key in el && typeof value !== "string") {
      el[key] = value; // properties such as hidden, disabled, value, checked
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** 75.4 -> "1:15", for chapter markers and durations. */
export function clock(seconds) {
  const total = Math.max(0, Math.round(seconds));
  const m = Math.floor(total / 60);
  const s = String(total % 60).padStart(2, "0");
  return `${m}:${s}`;
}

export function seconds(value) {
  return `${Number(value).toFixed(1).replace(/\.0$/, "")} s`;
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** Statuses after which nothing more happens until the user acts (the SSE stream ends there). */
export const SETTLED = new Set(["done", "failed", "cancelled", "review"]);

/** A run's label in lists: its title, else the start of its brief. */
export function runLabel(run) {
  if (run.title) return run.title;
  const brief = (run.brief || "").trim();
  return brief.length > 48 ? `${brief.slice(0, 47)}…` : brief || run.id;
}

/**
 * Split `text` into strings and <mark> elements for every @name in `names` (longest first, so
 * "@Old Mara" wins over "@Old"); unknown @words get class "unknown" so typos show.
 */
export function mentions(text, names) {
  const known = [...names].sort((a, b) => b.length - a.length);
  const parts = [];
  let rest = text;
  let at = rest.indexOf("@");
  while (at >= 0) {
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
    const lower = rest.toLowerCase();
    const name = known.find((n) => lower.startsWith(n.toLowerCase()));
    const word = name ? rest.slice(0, name.length) : (rest.match(/^[\w-]+/u) || [""])[0];
    if (word) {
      parts.push(h("mark", { class: name ? "mention" : "mention unknown" }, `@${word}`));
      rest = rest.slice(word.length);
    } else {
      parts.push("@");
    }
    at = rest.indexOf("@");
  }
  parts.push(rest);
  return parts.filter((p) => p !== "");
}
