"""`storyreel ads make`: a filled template (or a CSV of them) as ads for every platform, with an
A/B matrix of hooks and calls to action.

Each row and variant passes the misuse gate before it is planned. The takes are shared as far as
they can be: a slot with the same spec renders once (the take library); every platform is cut
from the same takes (their master frame holds every platform's frame, and the cutter crops it as
it cuts, following the people in shot); the call to action's words are graphics, so CTA
variants share every take; and each slot's re-encoded frames are kept by content, so variants
that show the same slot the same way encode it once. A bad row costs only itself.
Each cut lands whole in its own folder, and `manifest.csv` plus a contact sheet of all variants
say what was made.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from film import BadInput, FilmPlan, RenderSpec, Take, Timeline, stable_hash
from film.ads import AdTemplate, Value
from film.brand import BrandKit
from film.files import atomic_path, write_atomic
from film.gate import GateRefused, GateText
from film.platforms import Platform, shared_zone
from film.process import cores
from studio.batch import Row
from studio.settings import Settings

if TYPE_CHECKING:
    from agents.ad_planner import Beat
    from engine.cutting.assemble import FfmpegAssembler

MANIFEST = "manifest.csv"
SHEET = "sheet.png"
COLUMNS = ("row", "variant", "platform", "path", "duration", "hook", "cta", "lint")
Say = Callable[[str], None]


@dataclass(frozen=True)
class AdOrder:
    """A checked request for a batch of ads: every value has passed the studio's door."""

    template: AdTemplate
    rows: tuple[Row, ...]
    platforms: tuple[Platform, ...]
    duration_s: int = 15
    brand: BrandKit | None = None
    hooks: int = 1
    ctas: int = 1
    seed: int = 0


class Variant(BaseModel):
    """One line of the manifest: a cut that was made (lint 'ok'), or why it was not."""

    model_config = ConfigDict(frozen=True)

    row: int
    variant: str = ""
    platform: str = ""
    path: str = ""
    duration: float = 0.0
    hook: str = ""
    cta: str = ""
    lint: str

    def line(self) -> list[str]:
        return [str(self.row), self.variant, self.platform, self.path, f"{self.duration:g}", self.hook,
                self.cta, self.lint]  # fmt: skip


@dataclass
class AdBatch:
    """What a batch made: its variants (failed rows as lines too), and its takes."""

    out_dir: Path
    variants: list[Variant] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    uses: int = 0
    """Takes the cuts were made of (each cut counts all its shots); `uses - len(rendered)` of
    them came from a take rendered for another use."""
    wanted: set[str] = field(default_factory=set)
    """The distinct specs the batch asked for: at best, each rendered once."""

    @property
    def failures(self) -> list[str]:
        """One line per failed row or variant, naming it: 'row 2: rows.csv line 3, column cta: …'."""
        lines = []
        for v in self.failed:
            why = v.lint.removeprefix("error: ")
            where = f" {v.variant} {v.platform}: " if v.variant else ", " if why.startswith("line ") else ": "
            lines.append(f"row {v.row}{where}{why}")
        return lines

    @property
    def failed(self) -> list[Variant]:
        return [v for v in self.variants if v.lint != "ok"]

    @property
    def manifest(self) -> Path:
        return self.out_dir / MANIFEST

    @property
    def sheet(self) -> Path:
        return self.out_dir / SHEET


DEFAULT_PLATFORMS = "tiktok,feed-4x5,youtube"


def ad_order(template: str, *, sets: Sequence[str] = (), csv_file: Path | None = None,
             brand: Path | None = None, platforms: str = DEFAULT_PLATFORMS, duration_s: int = 15,
             hooks: int = 1, ctas: int = 1, seed: int = 0) -> AdOrder:  # fmt: skip
    """The order the CLI and the API take, checked: every value a BadInput naming its field.
    A CSV's rows each fill the template (their cells over --set values over the defaults); a
    bad row is kept as its error, so the others still make their ads."""
    from agents.ads import ad_template, parse_platforms
    from film.ads import AD_LENGTHS
    from studio import inputs
    from studio.batch import read_batch
    from studio.brand import load_brand

    chosen = ad_template(template)
    if duration_s not in AD_LENGTHS:
        raise BadInput(
            "duration", duration_s, f"an ad lasts one of {', '.join(map(str, AD_LENGTHS))} seconds"
        )
    given = parse_sets(sets)
    if csv_file is not None:
        rows = tuple(read_batch(csv_file, chosen, given))
        if not rows:
            raise BadInput("csv", str(csv_file), "has a header but no rows")
    else:
        rows = (Row(0, chosen.fill(given)),)
    order = AdOrder(
        template=chosen, rows=rows, platforms=parse_platforms(platforms), duration_s=duration_s,
        brand=load_brand(brand) if brand is not None else None, hooks=hooks, ctas=ctas,
        seed=inputs.check_seed(seed),
    )  # fmt: skip
    for row in rows:  # the matrix's size is checked once, before anything renders
        if row.values is not None:
            chosen.matrix(row.values, hooks, ctas)
            break
    return order


def parse_sets(items: Sequence[str]) -> dict[str, str]:
    """`--set name=value` pairs as a mapping; BadInput names one without an '='."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadInput("set", item, "is name=value, e.g. --set product='Brightbrew cold brew'")
        values[name.strip()] = value
    return values


def master_frame(platforms: Sequence[Platform]) -> tuple[str, tuple[int, int]]:
    """The frame the takes render at, and the aspect the planner composes for: the smallest
    frame that holds every platform's frame whole, so a 9:16 and a 16:9 cut are both plain
    crops of one take (never upscaled), and a single platform renders at its own size."""
    import math

    from film.plan import ASPECTS

    width = max(p.size[0] for p in platforms)
    height = max(p.size[1] for p in platforms)
    ratio = width / height
    aspect = min(ASPECTS, key=lambda a: abs(math.log(ratio * ASPECTS[a][1] / ASPECTS[a][0])))
    return aspect, (width, height)


class TakeShop:
    """The takes of a batch: rendered once through the studio's renderer and take library (one
    render of a spec at a time across processes)."""

    def __init__(self, settings: Settings, engine: str, batch: AdBatch) -> None:
        from engine import renderer_for
        from storage import AssetStore, StoredTakeLibrary, open_database
        from studio.flight import single_flight
        from studio.runner import ResumableRenderer

        self.settings, self.engine, self.batch = settings, engine, batch
        self.db = open_database(settings.database)
        inner = ResumableRenderer(renderer_for(engine, settings.engine_options(engine)), settings.render_log)
        flight = f"{socket.gethostname()}:{os.getpid()}:ads"
        self.renderer, self.library = single_flight(
            inner, StoredTakeLibrary(self.db, AssetStore(settings.asset_root)), db=self.db, worker=flight,
            lease_s=settings.worker_lease_s, check=lambda: None,
        )  # fmt: skip
        self.work = settings.work_root / "ads"
        self.assembler = settings.assembler()  # captions are the ad's own graphics, inside the safe zone
        self.assembler.options = replace(self.assembler.options, burn_subtitles=False, exports=False)

    def take(self, spec: RenderSpec) -> Take:
        spec = self.renderer.resolve(spec.model_copy(update={"bug": self.settings.ai_bug}))
        key = spec.spec_hash()
        found = self.library.find(key)
        if found is not None:
            self.batch.reused.append(key)
            return found.model_copy(update={"shot_id": spec.shot.id})
        self.work.mkdir(parents=True, exist_ok=True)
        made = self.renderer.render(spec, self.work / f"{key}.mp4")
        self.batch.rendered.append(key)
        return self.library.keep(made.model_copy(update={"settings": spec.engine_settings()}))


def make_ads(order: AdOrder, *, settings: Settings, out_dir: Path, engine: str | None = None,
             entry: str = "cli:ads", say: Say | None = None) -> AdBatch:  # fmt: skip
    """Every row x hook x CTA x platform of `order`, under `out_dir`; see the module docstring."""
    from studio import inputs

    engine_name = inputs.check_engine(engine or settings.engine, settings.ai_bug)
    out_dir = inputs.check_out_dir(Path(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    settings.home.mkdir(parents=True, exist_ok=True)
    batch = AdBatch(out_dir)
    shop = TakeShop(settings, engine_name, batch)
    tell = say or (lambda line: None)
    for number, row in enumerate(order.rows, start=1):
        if row.values is None:
            batch.variants.append(Variant(row=number, lint=f"error: {row.error}"))
            tell(f"row {number}: {row.error}")
            continue
        try:
            _make_row(order, number, row, row.values, shop, entry, tell)
        except (BadInput, GateRefused) as err:
            why = f"line {row.line}: {err}" if row.line else str(err)
            batch.variants.append(Variant(row=number, lint=f"error: {why}"))
            tell(f"row {number}{', ' if row.line else ': '}{why}")
    _finish(batch, order)
    return batch


def _make_row(order: AdOrder, number: int, row: Row, values: dict[str, Value], shop: TakeShop, entry: str,
              tell: Say) -> None:  # fmt: skip
    from agents import recaption
    from agents.ad_planner import ad_plan, avoided, beats
    from studio.clearance import Clearance

    template, batch = order.template, shop.batch
    gate = Clearance(shop.db, shop.settings, entry=entry)
    pairs = template.matrix(values, order.hooks, order.ctas)
    hooks = {h: beats(template, values, h, order.duration_s) for h in sorted({h for h, _ in pairs})}
    countdown = _countdown(template, values)
    for h, cta in pairs:  # every variant is cleared before anything of the row is planned
        texts = {f"{k}": str(v) for k, v in values.items() if isinstance(v, str) and v}
        texts |= {f"slot {i + 1} {part}": text for i, b in enumerate(hooks[h])
                  for part, text in (("prompt", b.prompt), ("caption", b.caption)) if text}  # fmt: skip
        texts |= {"cta": cta, **({"countdown": countdown} if countdown else {})}
        avoided(order.brand, texts)
        gate.texts([GateText(field=f"hook {h + 1} × {cta}: {k}", text=t) for k, t in texts.items()])
    aspect, size = master_frame(order.platforms)
    name = str(values.get("product") or values.get("app") or template.title)
    plans: dict[int, tuple[FilmPlan, list[RenderSpec]]] = {}
    for h, slots in hooks.items():
        plan = ad_plan(template, slots, aspect=aspect, seed=order.seed, title=f"{template.title}: {name}")
        gate.plan(plan)
        plans[h] = (
            plan,
            [
                recaption(plan, s, engine=shop.engine).model_copy(
                    update={"width": size[0], "height": size[1]}
                )
                for s in plan.shots
            ],
        )
    unique = {spec.spec_hash(): spec for _, specs in plans.values() for spec in specs}
    batch.wanted.update(unique)
    with ThreadPoolExecutor(max_workers=cores()) as pool:  # drawing and x264 overlap across takes
        shot = dict(zip(unique, pool.map(shop.take, unique.values()), strict=True))
        made = {h: (plan, {spec.shot.id: shot[spec.spec_hash()] for spec in specs})
                for h, (plan, specs) in plans.items()}  # fmt: skip
        row_cut = RowCut(order, number, values, made, hooks, countdown, name, shop)
        by_aspect: dict[str, list[Platform]] = {}
        for platform in order.platforms:
            by_aspect.setdefault(platform.aspect, []).append(platform)
        jobs = [(h, cta, group) for h, cta in pairs for group in by_aspect.values()]
        for (h, _, _), lines in zip(jobs, pool.map(lambda job: row_cut.cut(*job), jobs), strict=True):
            for line in lines:
                batch.variants.append(line)
                batch.uses += len(plans[h][1]) if line.path else 0
                said = f"{line.path} ({line.duration:g} s)" if line.lint == "ok" else line.lint
                tell(f"row {number} {line.variant} {line.platform}: {said}")


@dataclass(frozen=True)
class RowCut:
    """What a row's variants are cut from: its plans and takes per hook, their re-frames."""

    order: AdOrder
    number: int
    values: dict[str, Value]
    made: dict[int, tuple[FilmPlan, dict[str, Take]]]
    hooks: dict[int, list[Beat]]
    countdown: str
    name: str
    shop: TakeShop

    def cut(self, h: int, cta: str, platforms: list[Platform]) -> list[Variant]:
        """One variant for platforms of one aspect: laid out inside all their safe zones, so it
        is assembled once and copied to each; linted against each platform on its own."""
        from agents.ad_editor import cut_ad

        plan, takes = self.made[h]
        variant = f"hook{h + 1}-cta{self.order.template.ctas(self.values).index(cta) + 1}"
        zone = shared_zone(platforms)
        out_dir, made_film, lines = self.shop.batch.out_dir, None, []
        for platform in platforms:
            cut = cut_ad(plan, self.hooks[h], takes, platform, cta=cta, brand=self.order.brand,
                         values=self.values, countdown=self.countdown, name=self.name, zone=zone,
                         bug=self.shop.settings.ai_bug)  # fmt: skip
            line = Variant(row=self.number, variant=variant, platform=platform.name,
                           duration=cut.timeline.total_s, hook=self.hooks[h][0].caption, cta=cta,
                           lint="; ".join(cut.problems) or "ok")  # fmt: skip
            if cut.problems:
                lines.append(line)
                continue
            folder = out_dir / f"row-{self.number:03d}" / variant / platform.name
            if made_film is None:
                made_film = _cut(cut.timeline, plan, folder, self.shop.assembler)
                film = made_film
            else:
                film = _copy_cut(made_film.parent, folder)
            lines.append(line.model_copy(update={"path": str(film.relative_to(out_dir))}))
        return lines


def _countdown(template: AdTemplate, values: dict[str, Value]) -> str:
    from agents.ads import render_text

    return render_text(template, "countdown", template.countdown, values) if template.countdown else ""


def _cut(timeline: Timeline, plan: FilmPlan, folder: Path, assembler: FfmpegAssembler) -> Path:
    """The cut in `folder`, unless the same timeline was already cut there (a re-run is free)."""
    from engine.cutting.assemble import FILM_NAME

    key = stable_hash({"timeline": timeline, "plan": plan.spec_hash(), "options": repr(assembler.options)})
    stamp = folder / ".cut"
    if (folder / FILM_NAME).is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return folder / FILM_NAME
    film = assembler.assemble(timeline, plan, folder)
    write_atomic(stamp, key)
    return film


def _copy_cut(source: Path, folder: Path) -> Path:
    """The cut in `source` copied into `folder`, the film last (its presence means the rest)."""
    from engine.cutting.assemble import FILM_NAME

    stamp = folder / ".cut"
    if (
        (folder / FILM_NAME).is_file()
        and stamp.is_file()
        and stamp.read_bytes() == (source / ".cut").read_bytes()
    ):
        return folder / FILM_NAME  # copied before, from this very cut
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted((p for p in source.iterdir() if p.is_file()), key=lambda p: p.name == FILM_NAME)
    for path in files:
        with atomic_path(folder / path.name) as tmp:
            shutil.copyfile(path, tmp)
    return folder / FILM_NAME


def _finish(batch: AdBatch, order: AdOrder) -> None:
    """manifest.csv and the contact sheet of every made variant (its end card's middle frame)."""
    from agents.ad_planner import AD_FPS
    from engine.cutting.exports import variants_sheet

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(v.line() for v in batch.variants)
    write_atomic(batch.manifest, text.getvalue())
    sizes = {p.name: p.size for p in order.platforms}
    end_share = order.template.timing(order.duration_s)[-1]
    cells = [
        (f"{v.row} · {v.variant} · {v.platform}", batch.out_dir / v.path,
         round((v.duration - end_share / 2) * AD_FPS), *sizes[v.platform])
        for v in batch.variants if v.path
    ]  # fmt: skip
    if cells:
        variants_sheet(cells, batch.sheet, AD_FPS)
