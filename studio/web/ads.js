// The Ads page (#/ads, #/ads/<id>): pick a template, fill the form its typed variables make,
// add a brand kit or a CSV of rows, see the hook × CTA matrix, make the batch, follow it live,
// then preview every variant (the contact sheet, each cut with its lint) and download the zip.
// Every field is checked again by the API; its one-line answer shows on the error line.

import { API, clearError, paths, request, showError } from "./api.js";
import { $, fill, h, seconds, when } from "./dom.js";

const q = encodeURIComponent;
/** The ads routes the page calls; the batch's own answer names its sheet, zip and films. */
export const adPaths = {
  templates: () => `${API}/ads/templates`,
  platforms: () => `${API}/ads/platforms`,
  batches: () => `${API}/ads`,
  batch: (id) => `${API}/ads/${q(id)}`,
};

const FINISHED = new Set(["done", "failed", "cancelled"]);
const EVENTS = ["status", "progress", "ad", "error"];
const page = { templates: [], platforms: [], template: null, batch: null, source: null, built: false };

const words = (name) => name.replace(/_/g, " ").replace(/^cta\b/, "CTA").replace(/^./, (c) => c.toUpperCase());

// ---- showing and leaving the page ------------------------------------------------------------

/** Show the Ads page; `id` opens one batch (null: only the form). */
export async function openAds(id) {
  $(".layout").hidden = true;
  $("#films-toggle").hidden = true;
  $("#ads-page").hidden = false;
  $("[data-testid=ads-link]").setAttribute("aria-current", "page");
  clearError();
  try {
    if (!page.built) await build();
    await listBatches();
  } catch {
    return; // the error line says why
  }
  if (id) await openBatch(id);
  else closeBatch();
}

export function leaveAds() {
  unfollow();
  $("#ads-page").hidden = true;
  $(".layout").hidden = false;
  $("#films-toggle").hidden = false;
  $("[data-testid=ads-link]").removeAttribute("aria-current");
}

async function build() {
  const [templates, platforms] = await Promise.all([request(adPaths.templates()), request(adPaths.platforms())]);
  Object.assign(page, { templates, platforms, built: true });
  fill(
    $("#ads-page"),
    h("section", { class: "panel ads-intro" },
      h("h1", { id: "ads-title" }, "Ads"),
      h("p", { class: "muted" }, "Fill a template once and get a cut for every platform, with an A/B matrix of "
        + "hooks and calls to action. A CSV makes one set per row.")),
    h("div", { class: "ads-workspace" }, form(), batchPanel()),
    h("section", { class: "panel" }, h("h2", {}, "Recent batches"),
      h("ul", { class: "ad-batches", "data-testid": "ad-batches" })),
  );
  chooseTemplate(templates[0] ? templates[0].name : "");
}

// ---- the form ----------------------------------------------------------------------------------

function form() {
  const choice = h("select", { id: "ad-template", name: "template", "data-testid": "ad-template",
    onchange: (e) => chooseTemplate(e.target.value) },
    page.templates.map((t) => h("option", { value: t.name }, t.title)));
  const boxes = page.platforms.map((p, i) =>
    h("label", { class: "check" },
      h("input", { type: "checkbox", name: "platform", value: p.name, checked: i === 0, onchange: drawMatrix,
        "data-testid": `platform-${p.name}` }),
      ` ${p.name} `, h("span", { class: "muted small" }, `${p.aspect} · ${p.width}×${p.height}`)),
  );
  const number = (id, label, max) =>
    h("label", { for: id }, label,
      h("input", { id, type: "number", min: 1, max, step: 1, value: 1, required: true, oninput: drawMatrix }));
  return h("form", { id: "ad-form", class: "panel ad-form", "data-testid": "ad-form", novalidate: false,
    onsubmit: submit },
    h("h2", {}, "New batch"),
    h("label", { for: "ad-template" }, "Template"), choice,
    h("p", { id: "ad-about", class: "muted small" }),
    h("fieldset", { class: "ad-fields", "data-testid": "ad-fields" }, h("legend", {}, "Variables")),
    h("fieldset", { class: "ad-platforms" }, h("legend", {}, "Platforms"), boxes),
    h("fieldset", { class: "ad-knobs" }, h("legend", {}, "Length and matrix"),
      h("label", { for: "ad-duration" }, "Length",
        h("select", { id: "ad-duration", "data-testid": "ad-duration" },
          [6, 15, 30, 60].map((s) => h("option", { value: s, selected: s === 15 }, `${s} s`)))),
      number("ad-hooks", "Hooks", 1), number("ad-ctas", "CTAs", 1)),
    h("fieldset", { class: "ad-files" }, h("legend", {}, "Brand kit and rows"),
      h("label", { for: "ad-brand" }, "Brand kit ", h("span", { class: "muted small" },
        "brand.yaml, with the logo and font it names")),
      h("input", { id: "ad-brand", type: "file", multiple: true, "data-testid": "ad-brand",
        accept: ".yaml,.yml,.png,.jpg,.jpeg,.webp,.ttf,.otf" }),
      h("label", { for: "ad-csv" }, "CSV rows ", h("span", { class: "muted small" },
        "one set of ads per row; its header names variables, the form fills the blanks")),
      h("input", { id: "ad-csv", type: "file", accept: ".csv,text/csv", "data-testid": "ad-csv",
        onchange: drawMatrix })),
    h("div", { class: "ad-matrix", "data-testid": "ad-matrix", "aria-live": "polite" }),
    h("button", { type: "submit", class: "primary", "data-testid": "make-ads" }, "Make ads"),
  );
}

function chooseTemplate(name) {
  const template = page.templates.find((t) => t.name === name) || page.templates[0];
  page.template = template;
  if (!template) return;
  $("#ad-template").value = template.name;
  $("#ad-about").textContent = `${template.description} Beats: ${template.beats.join(" → ")}.`;
  fill($("[data-testid=ad-fields]"), h("legend", {}, "Variables"), template.variables.map(field));
  for (const [id, max] of [["#ad-hooks", template.hooks], ["#ad-ctas", template.ctas]]) {
    $(id).max = max;
    $(id).value = Math.min(Number($(id).value) || 1, max);
  }
  drawMatrix();
}

/** One variable's input, by its kind, with the API's rules as its attributes and hint. */
function field(v) {
  const id = `ad-var-${v.name}`;
  const common = { id, name: v.name, "data-variable": v.name, "aria-describedby": `${id}-hint`, oninput: drawMatrix };
  let input;
  if (v.kind === "choice") {
    input = h("select", common, v.choices.map((c) => h("option", { value: c, selected: c === v.default }, c)));
  } else if (v.kind === "image") {
    input = h("input", { ...common, type: "file", accept: "image/png,image/jpeg,image/webp" });
  } else if (v.kind === "number") {
    input = h("input", { ...common, type: "number", step: "any", min: v.minimum ?? null, max: v.maximum ?? null,
      value: String(v.default) });
  } else {
    const type = { colour: "color", url: "url" }[v.kind] || "text";
    input = h("input", { ...common, type, value: String(v.default), maxlength: v.max_length ?? null });
  }
  return h("div", { class: `ad-field kind-${v.kind}` },
    h("label", { for: id }, words(v.name), " ", h("span", { class: "muted small" }, v.help)),
    input, h("p", { id: `${id}-hint`, class: "hint muted small" }, v.hint));
}

const checkedPlatforms = () => [...document.querySelectorAll("input[name=platform]:checked")].map((i) => i.value);

/** The hook × CTA matrix the form asks for: each cell is cut for every chosen platform. */
function drawMatrix() {
  const template = page.template;
  if (!template) return;
  const hooks = Math.max(1, Number($("#ad-hooks").value) || 1);
  const ctas = Math.max(1, Number($("#ad-ctas").value) || 1);
  const chosen = $("[data-variable=cta]") ? $("[data-variable=cta]").value : "";
  const offered = template.variables.find((v) => v.name === "cta").choices;
  const tried = [chosen, ...offered.filter((c) => c !== chosen)].slice(0, ctas);
  const platforms = checkedPlatforms();
  const csv = $("#ad-csv").files.length ? " for each row of the CSV" : "";
  const count = hooks * tried.length * platforms.length;
  fill($("[data-testid=ad-matrix]"),
    h("p", {}, h("strong", {}, `${count} variant${count === 1 ? "" : "s"}`),
      ` = ${hooks} hook${hooks > 1 ? "s" : ""} × ${tried.length} CTA${tried.length > 1 ? "s" : ""}`
      + ` × ${platforms.length} platform${platforms.length === 1 ? "" : "s"}${csv}`),
    h("table", { class: "matrix" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), tried.map((w) => h("th", { scope: "col" }, w)))),
      h("tbody", {}, Array.from({ length: hooks }, (_, i) => h("tr", {}, h("th", { scope: "row" }, `Hook ${i + 1}`),
        tried.map((_, j) => h("td", {}, `hook${i + 1}-cta${j + 1}`)))))),
  );
}

async function submit(event) {
  event.preventDefault();
  clearError();
  const body = new FormData();
  body.append("template", page.template.name);
  for (const input of document.querySelectorAll("[data-variable]")) {
    if (input.type === "file") {
      if (input.files[0]) body.append(`image.${input.name}`, input.files[0]);
    } else if (input.value.trim() !== "") {
      body.append("set", `${input.name}=${input.value}`);
    }
  }
  body.append("platforms", checkedPlatforms().join(","));
  body.append("duration", $("#ad-duration").value);
  body.append("hooks", $("#ad-hooks").value);
  body.append("ctas", $("#ad-ctas").value);
  for (const file of $("#ad-brand").files) body.append("brand", file);
  if ($("#ad-csv").files[0]) body.append("csv", $("#ad-csv").files[0]);
  const button = $("[data-testid=make-ads]");
  button.disabled = true;
  try {
    const made = await request(adPaths.batches(), { method: "POST", body });
    location.hash = `#/ads/${q(made.id)}`;
  } catch {
    // the error line says which field, and why
  } finally {
    button.disabled = false;
  }
}

// ---- a batch -----------------------------------------------------------------------------------

function batchPanel() {
  return h("section", { id: "ad-batch", class: "panel ad-batch", "data-testid": "ad-batch", hidden: true },
    h("div", { class: "title-row" }, h("h2", { id: "ad-batch-title" }, "Batch"),
      h("span", { class: "badge", "data-testid": "ad-status" }, "queued")),
    h("p", { id: "ad-batch-meta", class: "muted small" }),
    h("div", { class: "progress-row" },
      h("div", { class: "progress", role: "progressbar", "data-testid": "ad-progress", "aria-label": "Batch progress",
        "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" }, h("div", { class: "fill" })),
      h("span", { id: "ad-progress-text", class: "muted" }, "0%"),
      h("button", { type: "button", id: "ad-cancel", onclick: cancel }, "Cancel")),
    h("ol", { class: "ad-log", "data-testid": "ad-log", "aria-live": "polite" }),
    h("div", { class: "ad-results" },
      h("a", { class: "button primary", "data-testid": "download-zip", hidden: true }, "Download zip"),
      h("figure", { class: "ad-sheet", hidden: true },
        h("img", { "data-testid": "ad-sheet", alt: "Contact sheet: a still of every variant" }),
        h("figcaption", { class: "muted small" }, "Contact sheet: each variant's end card"))),
    h("div", { class: "ad-variants", "data-testid": "ad-variants" }),
  );
}

async function openBatch(id) {
  unfollow();
  $("#ad-batch").hidden = false;
  fill($("[data-testid=ad-log]"));
  let batch;
  try {
    batch = await request(adPaths.batch(id));
  } catch {
    $("#ad-batch").hidden = true;
    return;
  }
  drawBatch(batch);
  follow(id);
}

function closeBatch() {
  unfollow();
  page.batch = null;
  $("#ad-batch").hidden = true;
}

function setProgress(percent) {
  const value = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
  const bar = $("[data-testid=ad-progress]");
  bar.setAttribute("aria-valuenow", String(value));
  bar.querySelector(".fill").style.width = `${value}%`;
  $("#ad-progress-text").textContent = `${value}%`;
}

function setStatus(status) {
  const badge = $("[data-testid=ad-status]");
  badge.textContent = status;
  badge.className = `badge status-${status}`;
  $("#ad-cancel").hidden = FINISHED.has(status);
  if (status === "done") setProgress(100);
}

function drawBatch(batch) {
  page.batch = batch;
  $("#ad-batch-title").textContent = batch.title;
  const failed = batch.variants.filter((v) => !v.ok).length;
  $("#ad-batch-meta").textContent = `${batch.id} · ${batch.platforms.join(", ")} · ${batch.duration} s · `
    + `${batch.hooks} hook(s) × ${batch.ctas} CTA(s) · ${batch.rows} row(s) · ${batch.made} made`
    + (failed ? ` · ${failed} not made` : "");
  setStatus(batch.status);
  if (batch.error) showError(batch.error);
  $("#ad-batch").hidden = false;
  const zip = $("[data-testid=download-zip]");
  zip.hidden = !batch.zip_url;
  if (batch.zip_url) Object.assign(zip, { href: batch.zip_url, download: `${batch.id}-ads.zip` });
  const sheet = $("[data-testid=ad-sheet]");
  sheet.closest("figure").hidden = !batch.sheet_url;
  if (batch.sheet_url && sheet.getAttribute("src") !== batch.sheet_url) sheet.src = batch.sheet_url;
  fill($("[data-testid=ad-variants]"), batch.variants.map(variantCard));
}

function variantCard(v) {
  const name = v.variant ? `Row ${v.row} · ${v.variant} · ${v.platform}` : `Row ${v.row}`;
  return h("article", { class: `ad-variant ${v.ok ? "ok" : "bad"}`, "data-testid": "ad-variant" },
    v.film_url ? h("video", { src: v.film_url, controls: true, muted: true, playsinline: true, preload: "metadata",
      "data-testid": "ad-video", "aria-label": `${name}: the ad` }) : null,
    h("h3", {}, name),
    v.variant ? h("p", { class: "small" }, `Hook “${v.hook}” · CTA “${v.cta}” · ${seconds(v.duration)}`) : null,
    h("p", { class: `lint small ${v.ok ? "lint-ok" : "lint-bad"}`, "data-testid": "ad-lint" },
      v.ok ? "lint: ok" : v.lint));
}

async function cancel() {
  if (!page.batch) return;
  try {
    await request(paths.cancel(page.batch.id), { method: "POST" });
  } catch {
    return;
  }
  await redraw(page.batch.id);
}

/** The batch as the API has it now (its error, if any, on the error line). */
async function redraw(id) {
  try {
    drawBatch(await request(adPaths.batch(id)));
  } catch {
    // the error line says why
  }
}

// ---- live events (the run's SSE stream, replayed from its start) ---------------------------------

/** Stream the batch's events: its progress lines (a finished batch's replayed, then the stream ends). */
function follow(id) {
  const es = new EventSource(paths.events(id), { withCredentials: true });
  page.source = es;
  const log = $("[data-testid=ad-log]");
  const handlers = {
    status: ({ status }) => setStatus(status),
    progress: ({ percent }) => setProgress(percent),
    ad: ({ line }) => log.append(h("li", {}, line)),
    error: ({ message }) => showError(message || "the batch failed"),
  };
  for (const kind of EVENTS) {
    es.addEventListener(kind, async (event) => {
      if (!(event instanceof MessageEvent) || page.source !== es) return;
      let data = {};
      try {
        data = JSON.parse(event.data || "{}");
      } catch {
        return;
      }
      handlers[kind](data);
      if (kind === "status" && FINISHED.has(data.status)) {
        unfollow();
        await redraw(id);
        await listBatches().catch(() => {});
      }
    });
  }
  es.addEventListener("error", async (event) => {
    if (event instanceof MessageEvent || page.source !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      unfollow();
      await redraw(id);
    }
  });
}

function unfollow() {
  if (page.source) page.source.close();
  page.source = null;
}

async function listBatches() {
  const batches = await request(`${adPaths.batches()}?limit=10`);
  fill($("[data-testid=ad-batches]"),
    batches.length ? batches.map((b) => h("li", {},
      h("a", { href: `#/ads/${q(b.id)}`, class: "run-item" }, h("span", { class: "run-name" }, b.title),
        h("span", { class: "muted small" }, `${b.made} made · ${when(b.created_at)}`),
        h("span", { class: `badge status-${b.status}` }, b.status))))
      : h("li", { class: "empty" }, "No batches yet."));
}
