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
  const items = shots.map((shot) => {
    const at = start;
    start += Number(shot.duration_s) || 0;
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
}

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

/** The cast panel: each character's colour, name, look and reference picture. */
export function renderCast(runId, plan) {
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
        ),
      ),
    ),
  );
}

function reference(runId, character) {
  const swatch = h("span", {
    class: "swatch",
    style: `background:${/^#[0-9a-f]{6}$/i.test(character.color || "") ? character.color : "#888"}`,
    "aria-hidden": "true",
  });
  const ref = character.reference_image;
  // Only a path inside the run's folder can be served (GET /files); others show their name.
  if (!ref || !ref.path) return swatch;
  if (ref.path.startsWith("/") || ref.path.includes("..")) {
    return h("span", { class: "swatch-box" }, swatch, h("small", { title: ref.path }, ref.path.split("/").pop()));
  }
  return h("img", {
    class: "reference",
    src: paths.file(runId, ref.path),
    alt: `Reference picture of ${character.name}`,
    onerror: (event) => event.target.replaceWith(swatch),
  });
}
