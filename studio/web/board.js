// The storyboard: one card per shot (previz still, what happens, camera, cast, dialogue,
// length, state) with inline edit, re-render, lock/unlock and the shot's takes.

import { paths, request } from "./api.js";
import { $, clock, fill, h, mentions, seconds, when } from "./dom.js";

const STATE_LABEL = {
  planned: "planned",
  stale: "stale",
  rendering: "rendering",
  done: "done",
  locked: "locked",
};

/** The badge text for a state; rendering shows its percent. */
function stateText(state, percent) {
  if (state === "rendering") return `rendering ${Math.round(percent || 0)}%`;
  return STATE_LABEL[state] || state;
}

function badge(shot) {
  return h(
    "span",
    { class: `badge state-${shot.state}`, "data-testid": "shot-state", "data-state": shot.state },
    stateText(shot.state, shot.percent),
  );
}

/**
 * Render `shots` into the board. `ctx` = {runId, names (cast names), busy (a run is working),
 * changed() (reload everything after an edit), started() (a job was queued: follow its events)}.
 */
export function renderBoard(shots, ctx) {
  const board = $("[data-testid=storyboard]");
  if (!shots.length) {
    fill(board, h("p", { class: "empty" }, "No shots yet: the plan appears here once it is written."));
    return;
  }
  let start = 0;
  fill(
    board,
    shots.map((shot) => {
      const card = shotCard(shot, start, ctx);
      start += Number(shot.duration_s) || 0;
      return card;
    }),
  );
}

function shotCard(shot, start, ctx) {
  const id = ctx.runId;
  const still = shot.still_url
    ? h("img", { src: shot.still_url, alt: `Previz still of shot ${shot.position}`, loading: "lazy" })
    : h("div", { class: "still-missing", role: "img", "aria-label": "no still yet" }, "no still yet");
  const description = h("p", { class: "description" }, mentions(shot.description || "", ctx.names));
  const editor = h("div", { class: "editor", hidden: true });
  const card = h(
    "article",
    { class: "shot-card", "data-testid": "shot-card", "data-shot-id": shot.id, "aria-label": `Shot ${shot.position}` },
    h("div", { class: "still" }, still),
    h(
      "header",
      { class: "shot-head" },
      h("h3", {}, `Shot ${shot.position}`),
      h("span", { class: "timecode" }, `${clock(start)} · ${seconds(shot.duration_s)}`),
      badge(shot),
    ),
    description,
    editor,
    h(
      "dl",
      { class: "shot-meta" },
      meta("Camera", shot.camera || "—"),
      meta("Cast", (shot.characters || []).join(", ") || "—"),
    ),
    dialogue(shot.dialogue || []),
    h(
      "div",
      { class: "shot-actions" },
      h("button", {
        type: "button",
        onclick: () => openEditor(card, shot, ctx),
        "aria-label": `Edit the description of shot ${shot.position}`,
        "data-testid": "edit-button",
      }, "Edit"),
      h("button", {
        type: "button",
        "data-testid": "rerender-button",
        disabled: shot.state === "locked",
        title: shot.state === "locked" ? "unlock the shot to re-render it" : null,
        "aria-label": `Re-render shot ${shot.position}`,
        onclick: async () => {
          await request(paths.rerender(id, shot.id), { method: "POST", body: { seed: null } });
          setShotState(shot.id, "rendering", 0);
          ctx.started();
        },
      }, "Re-render"),
      h("button", {
        type: "button",
        "data-testid": "lock-button",
        "aria-pressed": shot.state === "locked" ? "true" : "false",
        "aria-label": `${shot.state === "locked" ? "Unlock" : "Lock"} shot ${shot.position}`,
        onclick: async () => {
          const to = shot.state === "locked" ? paths.unlock(id, shot.id) : paths.lock(id, shot.id);
          const updated = await request(to, { method: "POST" });
          card.replaceWith(shotCard(updated || shot, start, ctx));
          ctx.changed();
        },
      }, shot.state === "locked" ? "Unlock" : "Lock"),
    ),
    takesStrip(shot, ctx),
  );
  return card;
}

function meta(term, value) {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function dialogue(lines) {
  if (!lines.length) return null;
  return h("ul", { class: "dialogue", "aria-label": "Dialogue" }, lines.map((line) => h("li", {}, line)));
}

function openEditor(card, shot, ctx) {
  const editor = card.querySelector(".editor");
  const text = h("textarea", { rows: 4, id: `edit-${shot.id}`, "data-testid": "description-input" });
  text.value = shot.description || "";
  const save = h("button", { type: "submit", class: "primary", "data-testid": "save-description" }, "Save");
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        save.disabled = true;
        try {
          await request(paths.shotEdit(ctx.runId, shot.id), {
            method: "PATCH",
            body: { description: text.value },
          });
        } catch {
          save.disabled = false;
          return;
        }
        ctx.changed();
      },
    },
    h("label", { for: text.id }, `What happens in shot ${shot.position}`),
    text,
    h(
      "div",
      { class: "row" },
      save,
      h("button", { type: "button", onclick: () => { editor.hidden = true; } }, "Cancel"),
    ),
  );
  fill(editor, form);
  editor.hidden = false;
  text.focus();
}

function takesStrip(shot, ctx) {
  const list = h("div", { class: "takes" });
  const strip = h(
    "details",
    {
      class: "takes-strip",
      "data-testid": "takes-strip",
      ontoggle: () => {
        if (strip.open) loadTakes(list, shot, ctx);
      },
    },
    h("summary", {}, "Takes"),
    list,
  );
  return strip;
}

async function loadTakes(list, shot, ctx) {
  fill(list, h("p", { class: "empty" }, "loading takes…"));
  let takes = [];
  try {
    takes = await request(paths.takes(ctx.runId, shot.id));
  } catch {
    fill(list, h("p", { class: "empty" }, "takes could not be loaded"));
    return;
  }
  if (!takes.length) {
    fill(list, h("p", { class: "empty" }, "No takes yet: approve the plan to shoot it."));
    return;
  }
  fill(
    list,
    takes.map((take) =>
      h(
        "figure",
        { class: take.main ? "take main" : "take", "data-take": take.spec_hash },
        take.url
          ? h("video", { src: take.url, preload: "metadata", muted: true, controls: true, playsinline: true })
          : null,
        h(
          "figcaption",
          {},
          h("code", { title: take.spec_hash }, take.spec_hash.slice(0, 8)),
          ` v${(take.versions || []).join(", v")} · ${when(take.created_at)}`,
        ),
        take.main
          ? h("span", { class: "badge state-done" }, "main take")
          : h("button", {
              type: "button",
              "data-testid": "set-main-button",
              "aria-label": `Set take ${take.spec_hash.slice(0, 8)} as the main take of shot ${shot.position}`,
              onclick: async () => {
                await request(paths.setMain(ctx.runId, shot.id, take.spec_hash), { method: "POST" });
                ctx.started();
              },
            }, "Set as main"),
      ),
    ),
  );
}

/** A live "shot" event: update the one card's badge without rebuilding the board. */
export function setShotState(shotId, state, percent) {
  const card = document.querySelector(`[data-testid=shot-card][data-shot-id="${CSS.escape(shotId)}"]`);
  if (!card) return;
  const shown = state === "reused" ? "done" : state;
  const old = card.querySelector("[data-testid=shot-state]");
  old.replaceWith(badge({ state: shown, percent }));
}
