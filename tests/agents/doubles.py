"""Small real implementations of film's studio protocols for graph tests: they write real files,
keep real state and count what they do, so a test can see renders, cache hits and the cut."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from agents.continuity import file_ref
from film import Character, FilmPlan, Performance, ProgressFn, RenderSpec, Scene, Shot, Take, Timeline


class FileRenderer:
    """Writes one line per frame (a tiny real 'clip') and reports frame progress."""

    engine = "testfile"

    def __init__(self) -> None:
        self.rendered: list[str] = []
        self._lock = threading.Lock()

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return spec

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        tmp = dest.with_name(dest.name + ".part")
        with tmp.open("w", encoding="utf-8") as fh:
            for frame in range(spec.frames):
                fh.write(f"{spec.shot.id} frame {frame} seed {spec.seed}\n")
                if progress is not None and (frame % 12 == 0 or frame == spec.frames - 1):
                    progress(frame + 1, spec.frames)
        os.replace(tmp, dest)
        with self._lock:
            self.rendered.append(spec.shot.id)
        return Take(
            shot_id=spec.shot.id,
            spec_hash=spec.spec_hash(),
            engine=self.engine,
            path=str(dest),
            frames=spec.frames,
            fps=spec.fps,
            width=spec.width,
            height=spec.height,
        )


class Painter(FileRenderer):
    """A 'diffusion-like' double: leaves a last frame beside every take and records the
    conditioning each spec arrived with."""

    engine = "paint"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[RenderSpec] = []
        self._seen_lock = threading.Lock()

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        with self._seen_lock:
            self.seen.append(spec)
        take = super().render(spec, dest, progress)
        last = dest.with_suffix(".last.png")
        last.write_text(f"last frame of {spec.shot.id} seed {spec.seed}")
        return take.model_copy(update={"engine": self.engine, "extras": {"last": str(last)}})


class FolderLibrary:
    """Moves takes into a store folder named by spec hash and remembers them in memory."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.store.mkdir(parents=True, exist_ok=True)
        self.kept: dict[str, Take] = {}
        self._lock = threading.Lock()

    def find(self, spec_hash: str) -> Take | None:
        with self._lock:
            return self.kept.get(spec_hash)

    def keep(self, take: Take) -> Take:
        dest = self.store / f"{take.spec_hash}.mp4"
        shutil.move(take.path, dest)
        stored = take.model_copy(update={"path": str(dest)})
        with self._lock:
            self.kept[take.spec_hash] = stored
        return stored


class ConcatAssembler:
    """Concatenates the clips' files in timeline order into out_dir/film.mp4."""

    def __init__(self) -> None:
        self.timelines: list[Timeline] = []

    def assemble(self, timeline: Timeline, plan: FilmPlan, out_dir: Path) -> Path:
        self.timelines.append(timeline)
        film = out_dir / "film.mp4"
        with film.open("w", encoding="utf-8") as out:
            if timeline.title_card is not None:
                out.write(f"TITLE {timeline.title_card.text}\n" * timeline.title_card.frames)
            for clip in timeline.clips:
                lines = Path(clip.take_path).read_text(encoding="utf-8").splitlines(keepends=True)
                out.writelines(lines[clip.in_frame : clip.out_frame])
        return film


def chain_plan(tmp_path: Path) -> FilmPlan:
    """Four shots: a → b → c continuous, d on its own; Mara (with a reference picture) in a."""
    face = tmp_path / "mara.png"
    face.write_bytes(b"a picture of Mara")
    shots = [
        Shot(
            id="a",
            scene_id="s",
            frames=24,
            description="Mara opens the door",
            performances=(Performance(character_id="mara"),),
        ),
        Shot(id="b", scene_id="s", frames=24, description="She steps out", continuous_with_previous=True),
        Shot(id="c", scene_id="s", frames=24, description="Into the rain", continuous_with_previous=True),
        Shot(id="d", scene_id="s", frames=24, description="The street, later"),
    ]
    return FilmPlan.model_validate(
        {
            "title": "Door", "duration_s": 4, "fps": 24, "scenes": [Scene(id="s")], "shots": shots,
            "characters": [Character(id="mara", name="Mara", reference_image=file_ref(face))],
        }
    )  # fmt: skip
