// The sidebar: projects with their films and each film's status; "new film" and "new project".

import { paths, request } from "./api.js";
import { $, fill, h, runLabel } from "./dom.js";

let known = { projects: [], runs: [] };

export const projects = () => known.projects;

/** GET /projects and /runs, then draw them grouped by project; `selected` is the open run. */
export async function loadSidebar(selected) {
  const [projectList, runs] = await Promise.all([
    request(paths.projects(), { quiet: true }).catch(() => []),
    request(paths.runs()),
  ]);
  known = { projects: projectList || [], runs: runs || [] };
  renderSidebar(selected);
  renderProjectChoice();
}

function summary(runs) {
  if (!runs.length) return "no films yet";
  const counts = new Map();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) || 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`);
  return `${runs.length} film${runs.length === 1 ? "" : "s"} · ${parts.join(", ")}`;
}

export function renderSidebar(selected) {
  const groups = known.projects.map((p) => ({
    id: p.id,
    name: p.name,
    runs: known.runs.filter((r) => r.project_id === p.id),
  }));
  const loose = known.runs.filter((r) => !known.projects.some((p) => p.id === r.project_id));
  if (loose.length || !groups.length) groups.push({ id: "", name: "Films", runs: loose });
  fill(
    $("[data-testid=project-list]"),
    groups.map((group) =>
      h(
        "section",
        { class: "project", "data-project-id": group.id },
        h("h3", {}, group.name),
        h("p", { class: "muted project-status", "data-testid": "project-status" }, summary(group.runs)),
        h(
          "ul",
          { class: "runs", "data-testid": "run-list" },
          group.runs.map((run) =>
            h(
              "li",
              {},
              h(
                "a",
                {
                  href: `#/runs/${encodeURIComponent(run.id)}`,
                  class: "run-item",
                  "data-run-id": run.id,
                  "aria-current": run.id === selected ? "page" : null,
                },
                h("span", { class: "run-name" }, runLabel(run)),
                h("span", { class: `badge status-${run.status}`, "data-testid": "run-item-status" }, run.status),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A live status change: update that film's badge in place. */
export function setSidebarStatus(runId, status) {
  const run = known.runs.find((r) => r.id === runId);
  if (run) run.status = status;
  const link = document.querySelector(`.run-item[data-run-id="${CSS.escape(runId)}"] .badge`);
  if (link) {
    link.textContent = status;
    link.className = `badge status-${status}`;
  }
}

function renderProjectChoice() {
  const select = $("#new-project-id");
  const current = select.value;
  fill(
    select,
    h("option", { value: "" }, "no project"),
    known.projects.map((p) => h("option", { value: p.id, selected: p.id === current }, p.name)),
  );
}

/** Wire the "new project" form and the phone-width "Films" toggle. */
export function wireSidebar(selected) {
  $("#project-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#project-name");
    const name = input.value.trim();
    if (!name) return;
    await request(paths.projects(), { method: "POST", body: { name } });
    input.value = "";
    await loadSidebar(selected());
  });
  const toggle = $("#films-toggle");
  toggle.addEventListener("click", () => {
    const open = document.body.classList.toggle("sidebar-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

export function closeSidebar() {
  document.body.classList.remove("sidebar-open");
  $("#films-toggle").setAttribute("aria-expanded", "false");
}
