"""Small real implementations of film's studio protocols for graph tests: they write real files,
keep real state and count what they do, so a test can see renders, cache hits and the cut."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from film import FilmPlan, ProgressFn, RenderSpec, Take, Timeline


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
