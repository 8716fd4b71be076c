// The Series page (#/series, #/series/<name>): every series, with a box to paste a bible and
// create one, and the episodes waiting for review; a series' calendar of slots for the next 14
// days (each with its episode's state), its episodes (each linked to its run), pause / resume and
// "make one now", its review queue (approve or reject, with a note) and its continuity ledger.
// The API checks everything again; its one-line answer shows on the error line.

import { API, clearError, request } from "./api.js";
import { $, fill, h, when } from "./dom.js";

const q = encodeURIComponent;
/** The series routes the page calls. */
export const seriesPaths = {
  all: () => `${API}/series`,
  one: (name) => `${API}/series/${q(name)}`,
  pause: (name) => `${API}/series/${q(name)}/pause`,
  resume: (name) => `${API}/series/${q(name)}/resume`,
  run: (name) => `${API}/series/${q(name)}/run`,
  episodes: (name) => `${API}/series/${q(name)}/episodes`,
  calendar: (name, days) => `${API}/series/${q(name)}/calendar?days=${q(days)}`,
  ledger: (name) => `${API}/series/${q(name)}/ledger`,
  review: () => `${API}/episodes/review`,
  approve: (id) => `${API}/episodes/${q(id)}/approve`,
  reject: (id) => `${API}/episodes/${q(id)}/reject`,
};

const DAYS = 14;
const EXAMPLE = `name: morning-brief
title: Morning Brief
cast:
  - id: maya
    name: Maya
    description: the calm host
    appearance: mustard-yellow cardigan, round glasses
brief: "Morning Brief {{ number }}: {{ topic }}. Maya explains it at the counter."
topics:
  items: [the new cycle lane, the bakery's bread prize]
schedule:
  cron: 0 7 * * 1-5
  timezone: Europe/London
review: required`;
const page = { name: null, zones: {} };

// ---- showing and leaving the page ------------------------------------------------------------

/** Show the Series page; `name` opens one series (null: every series and the create form). */
export async function openSeries(name) {
  $(".layout").hidden = true;
  $("#films-toggle").hidden = true;
  $("#series-page").hidden = false;
  $("[data-testid=series-link]").setAttribute("aria-current", "page");
  clearError();
  page.name = name;
  try {
    if (name) await drawSeries(name);
    else await drawIndex();
  } catch {
    // the error line says why (e.g. no such series); the way back stays
    if (page.name === name) {
      fill($("#series-page"), h("section", { class: "panel" }, h("h1", { id: "series-title" }, "Series"),
        h("p", {}, h("a", { href: "#/series", "data-testid": "all-series" }, "← All series"))));
    }
  }
}

export function leaveSeries() {
  page.name = null;
  $("#series-page").hidden = true;
  $(".layout").hidden = false;
  $("#films-toggle").hidden = false;
  $("[data-testid=series-link]").removeAttribute("aria-current");
}

/** Draw again what is open, unless the user went elsewhere meanwhile. */
async function redraw() {
  if ($("#series-page").hidden) return;
  if (page.name) await drawSeries(page.name);
  else await drawIndex();
}

// ---- every series ----------------------------------------------------------------------------

async function drawIndex() {
  const [all, queue] = await Promise.all([request(seriesPaths.all()), request(seriesPaths.review())]);
  if (page.name) return;
  for (const s of all) page.zones[s.name] = s.schedule.timezone;
  fill($("#series-page"),
    h("section", { class: "panel" },
      h("h1", { id: "series-title" }, "Series"),
      h("p", { class: "muted" }, "A recurring cast on a schedule: each slot makes one episode, which waits "
        + "for your review when the series says so. Each episode's recap, threads and facts become canon.")),
    h("div", { class: "series-workspace" },
      h("section", { class: "panel", "aria-labelledby": "series-list-title" },
        h("h2", { id: "series-list-title" }, "Your series"),
        h("ul", { class: "series-list", "data-testid": "series-list" },
          all.length ? all.map(seriesItem) : h("li", { class: "empty" }, "No series yet: paste a bible."))),
      createForm()),
    reviewPanel(queue, "Waiting for review, every series"),
  );
}

function seriesItem(s) {
  const next = s.next_slots[0];
  return h("li", {},
    h("a", { href: `#/series/${q(s.name)}`, class: "run-item", "data-testid": "series-item" },
      h("span", { class: "run-name" }, s.title),
      h("span", { class: "muted small" }, next ? `next ${localText(next.local)}` : "no more slots"),
      s.in_review ? h("span", { class: "badge ep-review" }, `${s.in_review} to review`) : null,
      h("span", { class: `badge ${s.paused ? "ep-paused" : "ep-running"}` }, s.paused ? "paused" : "running")));
}

function createForm() {
  return h("form", { class: "panel series-form", "data-testid": "series-form", onsubmit: create },
    h("h2", {}, "New series"),
    h("label", { for: "series-bible" }, "Bible (YAML)"),
    h("textarea", { id: "series-bible", name: "bible", rows: 14, spellcheck: false, "data-testid": "bible-input",
      "aria-describedby": "series-bible-help", placeholder: EXAMPLE }),
    h("p", { id: "series-bible-help", class: "muted small" }, "Topics as a list of items. A bible that names "
      + "files (a CSV, a folder, reference pictures) is created with ", h("code", {}, "storyreel series create FILE"),
      " instead."),
    h("button", { type: "submit", class: "primary", "data-testid": "create-series" }, "Create series"));
}

async function create(event) {
  event.preventDefault();
  clearError();
  const button = $("[data-testid=create-series]");
  button.disabled = true;
  try {
    const made = await request(seriesPaths.all(), { method: "POST", body: { bible: $("#series-bible").value } });
    location.hash = `#/series/${q(made.name)}`;
  } catch {
    // the error line names the field, and why
  } finally {
    button.disabled = false;
  }
}

// ---- one series ------------------------------------------------------------------------------

async function drawSeries(name) {
  const [series, calendar, episodes, queue] = await Promise.all([
    request(seriesPaths.one(name)),
    request(seriesPaths.calendar(name, DAYS)),
    request(seriesPaths.episodes(name)),
    request(seriesPaths.review()),
  ]);
  if (page.name !== name) return; // another page was opened meanwhile
  page.zones[name] = series.schedule.timezone;
  const mine = queue.filter((e) => e.series === name);
  fill($("#series-page"),
    head(series),
    h("div", { class: "series-workspace" },
      calendarPanel(calendar),
      reviewPanel(mine, "Waiting for review")),
    h("div", { class: "series-workspace" },
      episodesPanel(episodes),
      ledgerPanel(series.ledger)),
  );
}

function head(s) {
  const hold = s.paused ? "resume" : "pause";
  return h("section", { class: "panel series-head", "aria-labelledby": "series-title" },
    h("p", { class: "small" }, h("a", { href: "#/series", "data-testid": "all-series" }, "← All series")),
    h("div", { class: "title-row" },
      h("h1", { id: "series-title" }, s.title),
      h("span", { class: `badge ${s.paused ? "ep-paused" : "ep-running"}`, "data-testid": "series-state" },
        s.paused ? "paused" : "running"),
      h("span", { class: "badge" }, `review ${s.review}`)),
    h("p", { class: "muted small", "data-testid": "series-meta" },
      `${s.name} · ${s.language} · ${s.schedule.summary} · cast: ${s.cast.join(", ")} · ${s.episodes} episode(s)`),
    h("p", { class: "small" }, "Next: ", s.next_slots.length
      ? s.next_slots.map((slot) => localText(slot.local)).join(" · ") : "no more slots"),
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", "data-testid": "run-series",
        onclick: (e) => act(e, seriesPaths.run(s.name)) }, "Make one now"),
      h("button", { type: "button", "data-testid": "pause-series",
        onclick: (e) => act(e, seriesPaths[hold](s.name)) }, s.paused ? "Resume" : "Pause"),
      h("button", { type: "button", "data-testid": "refresh-series", onclick: () => redraw().catch(() => {}) },
        "Refresh")));
}

/** POST `url` (a button's action), then draw the page again. */
async function act(event, url, body) {
  clearError();
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await request(url, { method: "POST", body });
    await redraw();
  } catch {
    // the error line says why
  } finally {
    button.disabled = false;
  }
}

function calendarPanel(calendar) {
  const byDay = new Map(calendar.days.map((day) => [day, []]));
  for (const slot of calendar.slots) {
    const day = String(slot.day);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(slot);
  }
  return h("section", { class: "panel", "aria-labelledby": "calendar-title" },
    h("div", { class: "title-row" }, h("h2", { id: "calendar-title" }, `Next ${DAYS} days`),
      h("span", { class: "muted small" }, `times in ${calendar.timezone}`)),
    h("ol", { class: "calendar", "data-testid": "series-calendar" },
      [...byDay].map(([day, slots]) => h("li", { class: "cal-day", "data-day": day },
        h("h3", {}, dayText(day)),
        slots.length
          ? h("ul", { class: "cal-slots" }, slots.map(slotItem))
          : h("p", { class: "empty small" }, "no slot")))),
    calendar.truncated ? h("p", { class: "muted small" }, "More slots than fit; the rest are left off.") : null);
}

function slotItem(slot) {
  const episode = slot.episode;
  const label = `${localText(slot.local).slice(11)}${slot.scheduled ? "" : " (extra)"}`;
  return h("li", { class: "cal-slot", "data-testid": "calendar-slot", "data-state": slot.state },
    h("time", { datetime: slot.slot }, label),
    h("span", { class: `badge ep-${slot.state}`, "data-testid": "slot-state" }, slot.state),
    episode && episode.number ? h("span", { class: "muted small" }, `#${episode.number}`) : null);
}

function episodesPanel(episodes) {
  return h("section", { class: "panel", "aria-labelledby": "episodes-title" },
    h("h2", { id: "episodes-title" }, "Episodes"),
    h("ol", { class: "episode-list", "data-testid": "episode-list" },
      episodes.length ? episodes.map(episodeItem) : h("li", { class: "empty" }, "No episodes yet.")));
}

function episodeItem(e) {
  return h("li", { class: "episode", "data-testid": "episode", "data-episode-id": e.id },
    h("div", { class: "episode-head" },
      h("strong", {}, e.number ? `#${e.number}` : `id ${e.id}`),
      h("span", { class: "muted small" }, onClock(e.slot, e.series)),
      h("span", { class: `badge ep-${e.state}`, "data-testid": "episode-state" }, e.state),
      e.run_id ? h("a", { href: `#/runs/${q(e.run_id)}`, class: "small", "data-testid": "episode-run" }, "run →")
        : null),
    e.topic ? h("p", { class: "small" }, e.topic) : null,
    e.reason ? h("p", { class: "small run-error" }, e.reason) : null,
    e.flags.length ? h("p", { class: "muted small" }, `flags: ${e.flags.join(", ")}`) : null);
}

// ---- review ------------------------------------------------------------------------------------

function reviewPanel(queue, title) {
  return h("section", { class: "panel", "aria-labelledby": "review-title" },
    h("h2", { id: "review-title" }, title),
    h("div", { class: "review-queue", "data-testid": "review-queue" },
      queue.length ? queue.map(reviewItem) : h("p", { class: "empty" }, "Nothing waits for review.")));
}

function reviewItem(e) {
  const note = `review-note-${e.id}`;
  const verdict = (kind) => (event) => act(event, seriesPaths[kind](e.id), { note: $(`#${note}`).value });
  return h("article", { class: "review-item", "data-testid": "review-item", "data-episode-id": e.id },
    h("h3", {}, h("a", { href: `#/series/${q(e.series)}` }, e.series), ` · ${e.number ? `#${e.number}` : `id ${e.id}`}`),
    h("p", { class: "muted small" }, onClock(e.slot, e.series), e.topic ? ` · ${e.topic}` : ""),
    e.reason ? h("p", { class: "small" }, `Flagged: ${e.reason}`) : null,
    e.run_id ? h("p", { class: "small" }, h("a", { href: `#/runs/${q(e.run_id)}` }, "Watch the episode's run →"))
      : null,
    h("label", { for: note }, "Note ", h("span", { class: "muted small" }, "it goes into the ledger")),
    h("textarea", { id: note, rows: 2, maxlength: 2000, "data-testid": "review-note" }),
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", "data-testid": "approve-episode", onclick: verdict("approve") },
        "Approve"),
      h("button", { type: "button", "data-testid": "reject-episode", onclick: verdict("reject") }, "Reject")));
}

// ---- the ledger --------------------------------------------------------------------------------

function ledgerPanel(ledger) {
  const { canon, entries } = ledger;
  const list = (label, items) => (items.length
    ? h("div", {}, h("h3", {}, label), h("ul", { class: "small" }, items.map((item) => h("li", {}, item))))
    : null);
  return h("section", { class: "panel", "aria-labelledby": "ledger-title" },
    h("h2", { id: "ledger-title" }, "Continuity ledger"),
    h("div", { class: "canon", "data-testid": "series-canon" },
      list("Canon facts", canon.facts), list("Open threads", canon.open_threads),
      list("Away from the story", canon.away)),
    h("ol", { class: "ledger", "data-testid": "series-ledger" },
      entries.length ? [...entries].reverse().map(entryItem)
        : h("li", { class: "empty" }, "Empty until the first episode is made.")));
}

function entryItem(entry) {
  const line = (label, items) => (items.length ? h("p", { class: "small" }, h("strong", {}, `${label}: `),
    items.join("; ")) : null);
  return h("li", { class: "ledger-entry", "data-testid": "ledger-entry" },
    h("h3", {}, `#${entry.number}${entry.title ? ` · ${entry.title}` : ""}`,
      h("span", { class: "muted small" }, ` ${onClock(entry.slot, page.name)}`)),
    entry.recap ? h("p", { class: "small" }, entry.recap) : null,
    line("Threads", entry.open_threads), line("Facts", entry.changed_facts), line("Notes", entry.notes));
}

// ---- times on the series' clock ----------------------------------------------------------------

/** An instant on the clock of the series `name` airs by (the browser's, if it does not know it). */
function onClock(iso, name) {
  const zone = page.zones[name];
  try {
    return new Date(iso).toLocaleString(undefined, { timeZone: zone, dateStyle: "medium", timeStyle: "short" });
  } catch {
    return when(iso); // a zone this browser does not know
  }
}

/** "2026-12-08T07:00:00+07:00" -> "2026-12-08 07:00": the wall time where the series airs. */
function localText(iso) {
  return String(iso).slice(0, 16).replace("T", " ");
}

/** "2026-12-08" -> "Tue 8 Dec" (read as a calendar day, whatever the browser's zone). */
function dayText(day) {
  const [y, m, d] = String(day).split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}
