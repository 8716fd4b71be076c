// storyreel studio: the page's state and glue. Opens a run from the address (#/runs/<id>),
// draws its header, chat, storyboard, film, cast and versions, and follows its live events.

import { paths, request, clearError, showError } from "./api.js";
import { leaveAds, openAds } from "./ads.js";
import { renderBoard, setShotState } from "./board.js";
import { castNames, loadLog, logFromServer, renderLog, saveLog, setCast, wireComposer } from "./chat.js";
import { $, SETTLED, fill, h, runLabel } from "./dom.js";
import { diffLines, renderCast, renderPlayer, renderVersions, showDiff } from "./film.js";
import { follow, following, stop } from "./live.js";
import { leaveSeries, openSeries } from "./series.js";
import { closeSidebar, loadSidebar, setSidebarStatus, wireSidebar } from "./sidebar.js";

const state = { run: null, plan: null, shots: [], versions: [], filmVersion: null, log: [], job: null };

const runId = () => (state.run ? state.run.id : null);

// ---- header: status, progress, review gate --------------------------------------------------

function setStatus(status) {
  const badge = $("[data-testid=run-status]");
  badge.textContent = status;
  badge.className = `badge status-${status}`;
  badge.dataset.status = status;
  const atReview = status === "review";
  $("#review-gate").hidden = !atReview;
  $("#cancel-button").hidden = !state.run || SETTLED.has(status);
  $("#composer-label").textContent = !state.run
    ? "Brief: what is the film about?"
    : atReview
      ? "Revise the plan (nothing renders until you approve)"
      : "Revise the film (shoots a new version; unchanged shots are reused)";
  $("[data-testid=brief-input]").placeholder = !state.run
    ? "A lighthouse keeper finds a message in a bottle…"
    : `e.g. make @${castNames()[0] || "name"} smile in shot 2, or: a quieter ending`;
  if (status === "done") setProgress(100, null);
  if (state.run) setSidebarStatus(state.run.id, status);
}

function setProgress(percent, eta) {
  const value = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
  const bar = $("[data-testid=progress-bar]");
  bar.setAttribute("aria-valuenow", String(value));
  bar.setAttribute("aria-valuetext", `${value}%${eta ? `, about ${Math.round(eta)} s left` : ""}`);
  bar.querySelector(".fill").style.width = `${value}%`;
  $("#progress-text").textContent = `${value}%${eta ? ` · ~${Math.round(eta)} s left` : ""}`;
}

function renderHead() {
  const run = state.run;
  $("#run-title").textContent = run ? runLabel(run) : "New film";
  $("#run-meta").textContent = run
    ? `${run.duration}s · ${run.aspect} · ${run.style} · ${run.engine} · plan v${run.version}`
    : "Write a brief below. The plan waits for your approval before anything renders.";
  $("#run-error").textContent = run && run.error ? run.error : "";
  $("#run-error").hidden = !(run && run.error);
  setStatus(run ? run.status : "new");
  const stale = state.shots.some((s) => s.state === "stale");
  $("#render-button").hidden = !run || !stale || run.status === "review" || !SETTLED.has(run.status);
  $("#new-options").hidden = Boolean(run);
  $("#workspace").dataset.mode = run ? "run" : "new";
}

// ---- loading a run -------------------------------------------------------------------------

/** Fetch everything about the open run and redraw; the plan and versions may not exist yet. */
async function refresh() {
  const id = runId();
  if (!id) return;
  const [run, planned, shots, versions] = await Promise.all([
    request(paths.run(id)),
    request(paths.plan(id), { quiet: true }).catch(() => null),
    request(paths.shots(id), { quiet: true }).catch(() => []),
    request(paths.versions(id), { quiet: true }).catch(() => []),
  ]);
  if (runId() !== id) return; // another run was opened meanwhile
  Object.assign(state, { run, plan: planned ? planned.plan : null, shots: shots || [], versions: versions || [] });
  draw();
  if (quiet()) {
    await settlePending();
    state.job = null;
  } else if (following() !== id) {
    listen();
  }
}

/**
 * Nothing more will happen without the user: the run is settled and the job we queued (if any)
 * has visibly finished. A settled status alone is not enough, because right after a POST the run
 * still shows its old status until a worker claims the job.
 */
function quiet() {
  const { run, job } = state;
  if (!SETTLED.has(run.status)) return false;
  if (!job || job.error || run.status === "failed" || run.status === "cancelled") return true;
  const latest = state.versions.find((v) => v.version === run.version);
  const shot = run.status === "done" && Boolean(latest && latest.film_url);
  if (job.kind === "revise") return run.version > job.from && (run.status === "review" || shot);
  return shot;
}

function draw() {
  const id = runId();
  setCast(((state.plan && state.plan.characters) || []).map((c) => c.name));
  renderHead();
  renderBoard(state.shots, { runId: id, names: castNames(), changed: refresh, started: () => jobStarted("shoot") });
  renderCast(id, state.plan, refresh);
  renderVersions(id, state.versions, (version) => {
    state.filmVersion = version;
    renderPlayer(state.run, version, state.shots, state.plan);
    $("#film").scrollIntoView({ behavior: "smooth", block: "start" });
  });
  renderPlayer(state.run, state.filmVersion, state.shots, state.plan);
  renderLog(state.log, diffLines);
}

async function openRun(id) {
  stop();
  clearError();
  Object.assign(state, { run: { id, status: "queued" }, plan: null, shots: [], versions: [], filmVersion: null });
  state.log = loadLog(id) || [];
  const pending = state.log.find((e) => e.pending); // a revision sent before a reload
  state.job = pending ? { kind: "revise", from: pending.from, error: false } : null;
  fill($("[data-testid=diff-view]"));
  setProgress(0, null);
  $("#stage").textContent = "";
  try {
    await refresh();
  } catch {
    return; // the error line says why (e.g. an unknown run id)
  }
  if (!state.log.length) {
    state.log = logFromServer(state.run, state.versions);
    renderLog(state.log, diffLines);
  }
  await loadSidebar(id).catch(() => {});
}

function newFilm() {
  stop();
  Object.assign(state, { run: null, plan: null, shots: [], versions: [], filmVersion: null, log: [], job: null });
  setCast([]);
  renderHead();
  setProgress(0, null);
  $("#stage").textContent = "";
  renderBoard([], {});
  renderCast(null, null);
  renderVersions(null, [], () => {});
  renderPlayer({ id: "", film_url: null }, null, [], null);
  fill($("[data-testid=diff-view]"));
  renderLog([{ who: "studio", text: "Tell me the story. I will plan the shots and wait for your approval." }], diffLines);
  loadSidebar(null).catch(() => {});
  $("[data-testid=brief-input]").focus();
}

function route() {
  closeSidebar();
  const ads = location.hash.match(/^#\/ads(?:\/([^/]+))?$/);
  const series = location.hash.match(/^#\/series(?:\/([^/]+))?$/);
  if (!series) leaveSeries();
  if (ads) {
    stop();
    openAds(ads[1] ? decodeURIComponent(ads[1]) : null);
    return;
  }
  leaveAds();
  if (series) {
    stop();
    openSeries(series[1] ? decodeURIComponent(series[1]) : null);
    return;
  }
  const match = location.hash.match(/^#\/runs\/([^/]+)$/);
  if (match) openRun(decodeURIComponent(match[1]));
  else newFilm();
}

// ---- live events ---------------------------------------------------------------------------

const handlers = {
  status: ({ status }) => {
    if (state.run && status) {
      state.run.status = status;
      setStatus(status);
    }
  },
  stage: ({ stage }) => {
    $("#stage").textContent = stage ? `· ${stage}` : "";
  },
  shot: ({ shot_id: shotId, state: shotState, percent }) => setShotState(shotId, shotState, percent),
  progress: ({ percent, eta_s: eta }) => setProgress(percent, eta),
  error: ({ message }) => {
    showError(message || "the run failed");
    if (state.job) state.job.error = true;
  },
  film: () => {
    state.filmVersion = null;
    refresh().catch(() => {});
  },
};

let retry = null;

/** Settled-looking status (or a stream the browser gave up on): ask the API what is true now. */
async function onSettled(status) {
  if (status !== null && !SETTLED.has(status)) return false;
  if (status === null) {
    // The stream failed (auth, restart): look again after a pause instead of hammering it.
    clearTimeout(retry);
    retry = setTimeout(() => refresh().catch(() => {}), 3000);
    return true;
  }
  try {
    await refresh();
    await loadSidebar(runId());
  } catch {
    return false;
  }
  return Boolean(state.run) && quiet();
}

function listen() {
  const id = runId();
  if (id) follow(id, handlers, onSettled);
}

/** The API queued a job for the open run (approve, revise, re-render, new main take). */
function jobStarted(kind) {
  clearError();
  if (state.run) {
    state.job = { kind, from: state.run.version, error: false };
    state.run.status = "queued";
    setStatus("queued");
  }
  setProgress(0, null);
  stop();
  listen();
}

// ---- chat ----------------------------------------------------------------------------------

/** The first message makes the film (review on); later ones revise it. true = sent. */
async function send(text) {
  clearError();
  if (!runId()) {
    const duration = Number($("#new-duration").value);
    const body = { brief: text, duration, aspect: $("#new-aspect").value, review: true };
    if ($("#new-project-id").value) body.project_id = $("#new-project-id").value;
    let run;
    try {
      run = await request(paths.runs(), { method: "POST", body });
    } catch {
      return false;
    }
    saveLog(run.id, [
      { who: "you", text },
      { who: "studio", text: `Planning “${runLabel(run)}” (${run.status}). The plan stops for your review.` },
    ]);
    location.hash = `#/runs/${encodeURIComponent(run.id)}`;
    return true;
  }
  const id = runId();
  const from = state.run.version;
  try {
    await request(paths.revise(id), { method: "POST", body: { text } });
  } catch {
    return false;
  }
  state.log.push({ who: "you", text });
  state.log.push({ who: "studio", text: `Revising version ${from}…`, pending: true, from });
  saveLog(id, state.log);
  renderLog(state.log, diffLines);
  jobStarted("revise");
  return true;
}

/** When a revision has landed (a newer version, the run settled), answer with its diff. */
async function settlePending() {
  const run = state.run;
  const pending = state.log.find((e) => e.pending);
  if (!pending) return;
  const latest = run.version;
  if (latest > pending.from) {
    let lines = [];
    try {
      lines = (await request(paths.diff(run.id, pending.from, latest), { quiet: true })).lines;
    } catch {
      lines = [];
    }
    Object.assign(pending, {
      pending: false,
      text: `Version ${latest} (${run.status}). ${lines.length ? "What changed:" : "No plan lines changed."}`,
      lines,
      a: pending.from,
      b: latest,
    });
  } else {
    Object.assign(pending, { pending: false, text: `No new version (${run.status}). ${run.error || ""}`.trim() });
  }
  saveLog(run.id, state.log);
  renderLog(state.log, diffLines);
}

// ---- buttons -------------------------------------------------------------------------------

function wire() {
  wireComposer(send);
  wireSidebar(runId);
  $("[data-testid=new-film-button]").addEventListener("click", () => {
    if (location.hash) location.hash = "";
    else newFilm();
  });
  $("[data-testid=approve-button]").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await request(paths.approve(runId()), { method: "POST" });
      state.log.push({ who: "studio", text: "Approved: shooting the film." });
      saveLog(runId(), state.log);
      renderLog(state.log, diffLines);
      jobStarted("approve");
    } catch {
      // the error line says why
    } finally {
      event.target.disabled = false;
    }
  });
  $("#cancel-button").addEventListener("click", async () => {
    await request(paths.cancel(runId()), { method: "POST" });
    await refresh();
  });
  $("#render-button").addEventListener("click", async () => {
    await request(paths.render(runId()), { method: "POST" });
    jobStarted("render");
  });
  window.addEventListener("hashchange", route);
}

wire();
route();
