// The chat: what the user typed and what the studio answered, plus the composer's @name
// autocomplete for cast members. The log is kept per run in localStorage; a run opened in a
// fresh browser is told from the server instead (its brief, then each version's note).

import { $, fill, h, mentions } from "./dom.js";

let cast = []; // names for @mentions, from the open run's plan

export function setCast(names) {
  cast = names;
  renderMentionHint();
}

export const castNames = () => cast;

const key = (runId) => `storyreel.chat.${runId}`;

export function loadLog(runId) {
  try {
    return JSON.parse(localStorage.getItem(key(runId)) || "null");
  } catch {
    return null;
  }
}

export function saveLog(runId, log) {
  try {
    localStorage.setItem(key(runId), JSON.stringify(log.slice(-200)));
  } catch {
    // storage full or disabled: the chat still works, it is just not remembered
  }
}

/** A log told from the server, for a run this browser did not start. */
export function logFromServer(run, versions) {
  const log = [{ who: "you", text: run.brief || "" }];
  for (const v of versions) {
    if (v.version > 1 && v.note) log.push({ who: "you", text: v.note });
    log.push({ who: "studio", text: `Version ${v.version}${v.version === 1 ? " planned" : ""}.`, version: v.version });
  }
  return log;
}

/** entry: {who: "you"|"studio", text, lines?: [diff lines], version?} */
export function renderLog(log, diffView) {
  const box = $("[data-testid=conversation]");
  fill(
    box,
    log.map((entry) =>
      h(
        "li",
        { class: `message ${entry.who}` },
        h("span", { class: "who" }, entry.who === "you" ? "You" : "Studio"),
        h("p", {}, entry.who === "you" ? mentions(entry.text, cast) : entry.text),
        entry.lines ? diffView(entry.lines, entry.a, entry.b) : null,
      ),
    ),
  );
  box.scrollTop = box.scrollHeight;
}

// ---- @name autocomplete -------------------------------------------------------------------

/** The "@partial" being typed just before the caret, or null. */
function partialAt(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0 || (at > 0 && /[\w@]/u.test(before[at - 1]))) return null;
  const word = before.slice(at + 1);
  if (word.length > 30 || /\n/.test(word)) return null;
  return { at, word };
}

let choice = 0;

function suggestions() {
  const input = $("[data-testid=brief-input]");
  const partial = partialAt(input.value, input.selectionStart);
  if (!partial) return { partial: null, names: [] };
  const word = partial.word.toLowerCase();
  const names = cast.filter((n) => n.toLowerCase().startsWith(word) && n.toLowerCase() !== word);
  return { partial, names };
}

function renderSuggestions() {
  const input = $("[data-testid=brief-input]");
  const list = $("#mention-list");
  const { names } = suggestions();
  if (!names.length) {
    list.hidden = true;
    input.removeAttribute("aria-activedescendant");
    return;
  }
  choice = Math.min(choice, names.length - 1);
  fill(
    list,
    names.map((name, i) =>
      h("li", {
        id: `mention-${i}`,
        role: "option",
        "aria-selected": i === choice ? "true" : "false",
        onmousedown: (event) => {
          event.preventDefault(); // keep the textarea's focus and caret
          insert(name);
        },
      }, `@${name}`),
    ),
  );
  list.hidden = false;
  input.setAttribute("aria-activedescendant", `mention-${choice}`);
}

function insert(name) {
  const input = $("[data-testid=brief-input]");
  const { partial } = suggestions();
  if (!partial) return;
  const caret = input.selectionStart;
  const text = `${input.value.slice(0, partial.at)}@${name} `;
  input.value = text + input.value.slice(caret);
  input.setSelectionRange(text.length, text.length);
  choice = 0;
  renderSuggestions();
  renderMentionHint();
}

/** Under the composer: the @names typed so far, known ones highlighted, unknown ones flagged. */
function renderMentionHint() {
  const input = $("[data-testid=brief-input]");
  const hint = $("#mention-hint");
  if (!input || !hint) return;
  const marks = mentions(input.value, cast).filter((p) => p instanceof Node);
  fill(hint, marks.length ? ["Mentions: ", marks.flatMap((m, i) => (i ? [" ", m] : [m]))] : "");
  hint.hidden = !marks.length;
}

/** Wire the composer: autocomplete keys, and Ctrl/Cmd+Enter sends. */
export function wireComposer(onSend) {
  const input = $("[data-testid=brief-input]");
  const form = $("#composer");
  input.addEventListener("input", () => {
    choice = 0;
    renderSuggestions();
    renderMentionHint();
  });
  input.addEventListener("click", renderSuggestions);
  input.addEventListener("blur", () => {
    $("#mention-list").hidden = true;
  });
  input.addEventListener("keydown", (event) => {
    const { names } = suggestions();
    const open = !$("#mention-list").hidden && names.length;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      choice = (choice + (event.key === "ArrowDown" ? 1 : names.length - 1)) % names.length;
      renderSuggestions();
    } else if (open && (event.key === "Enter" || event.key === "Tab")) {
      event.preventDefault();
      insert(names[choice]);
    } else if (open && event.key === "Escape") {
      $("#mention-list").hidden = true;
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    const button = $("[data-testid=send-button]");
    button.disabled = true;
    try {
      if (await onSend(text)) {
        input.value = "";
        renderMentionHint();
      }
    } finally {
      button.disabled = false;
    }
  });
}
