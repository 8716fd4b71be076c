// The finished film: player with subtitles and chapter markers, export links, the version
// list with its diff view, and the cast panel.

import { EXPORTS, paths, request } from "./api.js";
import { $, clock, fill, h, when } from "./dom.js";

/**
 * Show the film of `version` (null = the latest finished one) if there is one. `shots` give the
 * chapter markers: each shot starts where the ones before it end, after the title card.
 */
export function renderPlayer(run, version, shots, plan) {
  const section = $("#film");
  const player = $("[data-testid=player]");
  const hasFilm = Boolean(run.film_url) || Boolean(version);
  section.hidden = !hasFilm;
  if (!hasFilm) {
    player.removeAttribute("src");
    player.replaceChildren();
    return;
  }
  const src = paths.film(run.id, version);
  if (player.getAttribute("src") !== src) {
    player.src = src;
    fill(
      player,
      h("track", {
        kind: "subtitles",
        label: "Subtitles",
        srclang: (plan && plan.language) || "en",
        src: paths.exported(run.id, "film.vtt", version),
        default: true,
      }),
    );
  }
  $("#film-version").textContent = version ? `version ${version}` : "latest version";
  renderChapters(shots, plan, player);
  renderExports(run.id, version);
}

function renderChapters(shots, plan, player) {
  const titleCard = plan && plan.fps ? (plan.title_card_frames || 0) / plan.fps : 0;
  let start = titleCard;
  const cues = [];
  const items = shots.map((shot) => {
    const at = start;
    start += Number(shot.duration_s) || 0;
    cues.push(`${stamp(at)} --> ${stamp(start)}\nShot ${shot.position}: ${oneLine(shot.description)}`);
    return h(
      "li",
      {},
      h("button", {
        type: "button",
        class: "chapter",
        "data-start": at.toFixed(3),
        "aria-label": `Play from shot ${shot.position} at ${clock(at)}`,
        onclick: () => {
          player.currentTime = at;
          player.play().catch(() => {}); // autoplay rules may refuse; the seek still happened
        },
      }, h("span", { class: "timecode" }, clock(at)), ` Shot ${shot.position}`),
    );
  });
  fill($("[data-testid=chapters]"), items);
  chapterTrack(player, ["WEBVTT", ...cues].join("\n\n") + "\n");
}

/** The chapters as a WebVTT `<track kind="chapters">` too, so players and screen readers see them. */
function chapterTrack(player, vtt) {
  const old = player.querySelector("track[kind=chapters]");
  if (old && old.dataset.vtt === vtt) return;
  if (old) {
    URL.revokeObjectURL(old.src);
    old.remove();
  }
  if (!player.getAttribute("src")) return;
  const track = h("track", {
    kind: "chapters",
    label: "Shots",
    srclang: "en",
    "data-testid": "chapters-track",
    src: URL.createObjectURL(new Blob([vtt], { type: "text/vtt" })),
  });
  track.dataset.vtt = vtt;
  player.append(track);
}

const pad = (n, width = 2) => String(n).padStart(width, "0");
/** WebVTT's HH:MM:SS.mmm. */
function stamp(seconds) {
  const ms = Math.round(seconds * 1000);
  return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}
/** A cue's text may not hold a blank line or "-->". */
const oneLine = (text) => String(text || "").replace(/\s+/g, " ").replace(/-->/g, "→").trim();

function renderExports(runId, version) {
  fill(
    $("[data-testid=exports]"),
    EXPORTS.map((name) =>
      h("li", {}, h("a", {
        class: "button",
        href: paths.exported(runId, name, version),
        download: name,
        "data-testid": name === "film.mp4" ? "download-film" : `download-${name.replace(".", "-")}`,
      }, name)),
    ),
  );
}

/**
 * The version list. Each row: play its film, pick it as A or B of the diff. `onPlay(version)`
 * switches the player.
 */
export function renderVersions(runId, versions, onPlay) {
  const list = $("[data-testid=version-list]");
  if (!versions.length) {
    fill(list, h("li", { class: "empty" }, "No plan versions yet."));
    fill($("#diff-form"));
    return;
  }
  fill(
    list,
    versions.map((v) =>
      h(
        "li",
        { "data-version": v.version },
        h("strong", {}, `v${v.version}`),
        " ",
        h("span", { class: "note" }, v.note || ""),
        h("small", {}, when(v.created_at)),
        v.film_url
          ? h("button", {
              type: "button",
              onclick: () => onPlay(v.version),
              "aria-label": `Play the film of version ${v.version}`,
            }, "Play")
          : h("small", { class: "muted" }, "not shot"),
      ),
    ),
  );
  const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
  const pick = (id, label, chosen) =>
    h(
      "label",
      { for: id },
      label,
      h("select", { id, name: id }, numbers.map((n) => h("option", { value: n, selected: n === chosen }, `v${n}`))),
    );
  const last = numbers[numbers.length - 1];
  const form = $("#diff-form");
  fill(
    form,
    pick("diff-a", "From ", numbers.length > 1 ? numbers[numbers.length - 2] : last),
    pick("diff-b", " to ", last),
    h("button", { type: "submit" }, "Show changes"),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    await showDiff(runId, $("#diff-a").value, $("#diff-b").value);
  };
}

/** GET the diff lines between two versions and show them, "+" and "-" lines coloured. */
export async function showDiff(runId, a, b, into = $("[data-testid=diff-view]")) {
  const { lines } = await request(paths.diff(runId, a, b));
  fill(into, diffLines(lines, a, b));
  into.hidden = false;
  return lines;
}

export function diffLines(lines, a, b) {
  if (!lines.length) return h("p", { class: "muted" }, `v${a} and v${b} are the same.`);
  return h(
    "pre",
    { class: "diff", "aria-label": `Changes from v${a} to v${b}` },
    lines.map((line) => {
      const mark = line.trimStart()[0];
      const cls = mark === "+" ? "add" : mark === "-" ? "del" : "";
      return h("span", { class: cls }, `${line}\n`);
    }),
  );
}

/**
 * The cast panel: each character's colour, name, look and reference picture, with a button to
 * upload a picture (POST /uploads, then PATCH the character with its sha256). `changed` reloads.
 */
export function renderCast(runId, plan, changed = async () => {}) {
  const list = $("[data-testid=cast-list]");
  const cast = (plan && plan.characters) || [];
  if (!cast.length) {
    fill(list, h("li", { class: "empty" }, plan ? "No characters in this film." : "The cast appears with the plan."));
    return;
  }
  fill(
    list,
    cast.map((c) =>
      h(
        "li",
        { class: "character", "data-character-id": c.id },
        reference(runId, c),
        h(
          "div",
          {},
          h("h3", {}, c.name),
          c.description ? h("p", {}, c.description) : null,
          c.appearance ? h("p", { class: "muted" }, c.appearance) : null,
          pictureButton(runId, c, changed),
        ),
      ),
    ),
  );
}

function pictureButton(runId, character, changed) {
  const input = h("input", {
    type: "file",
    accept: "image/png,image/jpeg,image/webp",
    class: "visually-hidden",
    "data-testid": "reference-input",
    "aria-label": `Reference picture for ${character.name}`,
  });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("kind", "reference");
    form.append("file", file);
    try {
      const stored = await request(paths.uploads(), { method: "POST", body: form });
      await request(paths.characterEdit(runId, character.id), { method: "PATCH", body: { reference_image: stored.sha256 } });
    } catch {
      return; // the error line says why (wrong type, too large)
    } finally {
      input.value = "";
    }
    await changed();
  });
  return h("label", { class: "button small" }, character.reference_image ? "Change picture" : "Add picture", input);
}

function reference(runId, character) {
  const swatch = h("span", {
    class: "swatch",
    style: `background:${/^#[0-9a-f]{6}$/i.test(character.color || "") ? character.color : "#888"}`,
    "aria-hidden": "true",
  });
  const ref = character.reference_image;
  if (!ref || !ref.path) return swatch;
  // An upload is served by its sha256; a picture a plan file named inside the run's folder by
  // its path; any other picture shows its file name.
  const outside = ref.path.startsWith("/") || ref.path.includes("..");
  const named = h("span", { class: "swatch-box" }, swatch, h("small", { title: ref.path }, ref.path.split("/").pop()));
  return h("img", {
    class: "reference",
    "data-testid": "reference-picture",
    src: outside ? paths.upload(ref.sha256) : paths.file(runId, ref.path),
    alt: `Reference picture of ${character.name}`,
    onerror: (event) => event.target.replaceWith(outside ? named : swatch),
  });
}
