"""Provenance: every film says it is AI-generated, in its container metadata always and, when a
signing key and certificate are configured, in a signed C2PA manifest with the IPTC digital source
type `trainedAlgorithmicMedia`. Without a key the same manifest goes into a sidecar beside the film
(`film.c2pa.json`), bound to the film by its sha256, so the claim still travels with the file.

c2pa-python signs a plain (non-fragmented) MP4 offline; it rejects a bare self-signed certificate,
so the signer must be a leaf issued by a CA (the test builds a throwaway one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from film import BadInput, RenderFailure
from film.disclosure import AI_LABEL, DIGITAL_SOURCE_TYPE
from film.files import atomic_path, file_sha256

_X264_SEI = re.compile(rb"x264 - core \d+.*? - options: ([^\x00]*)")


def x264_options(path: Path) -> bytes | None:
    """The encoder settings x264 wrote into the stream, to tell whether two files can be joined."""
    with open(path, "rb") as fh:
        head = fh.read(256 << 10)  # the SEI rides with the first frame: usually in the first KBs
        found = _X264_SEI.search(head)
        if found is None or b"\x00" not in head[found.end() : found.end() + 1]:
            head += fh.read((4 << 20) - len(head))  # faststart moov first, or a cut-off match
            found = _X264_SEI.search(head)
    return found.group(1) if found else None


def provenance_metadata(title: str, language: str) -> list[str]:
    """ffmpeg `-metadata` arguments: the AI label in `comment` and `description` (both are
    plain udta tags, which +faststart moves along with the moov atom)."""
    return [
        "-metadata", f"title={title}",
        "-metadata", f"comment={AI_LABEL}",
        "-metadata", f"description={AI_LABEL} (IPTC digital source type: trainedAlgorithmicMedia)",
        "-metadata:s:a:0", f"language={_iso639_2(language)}",
    ]  # fmt: skip


def _iso639_2(language: str) -> str:
    codes = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "ja": "jpn", "zh": "zho",
             "ko": "kor", "pt": "por", "ru": "rus", "ar": "ara", "hi": "hin", "nl": "nld"}  # fmt: skip
    return codes.get(language.split("-")[0].lower(), "und")


SIDECAR_SUFFIX = ".c2pa.json"


def manifest_definition(title: str) -> dict[str, object]:
    """The C2PA manifest definition storyreel makes: created by a trained model."""
    return {
        "claim_generator_info": [{"name": "storyreel", "version": "0.1"}],
        "title": title,
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": DIGITAL_SOURCE_TYPE}]},
            }
        ],
    }


def sidecar_path(film: Path) -> Path:
    """Where the unsigned manifest of `film` lies: `film.mp4` → `film.c2pa.json`."""
    return Path(film).with_suffix(SIDECAR_SUFFIX)


def sidecar_manifest(film: Path, title: str) -> str:
    """The sidecar's text: the manifest definition, marked unsigned, with the film's hash."""
    data = dict(manifest_definition(title), label=AI_LABEL, signature="none (no C2PA key configured)")
    data["asset_hash"] = {"alg": "sha256", "hash": file_sha256(Path(film)), "name": Path(film).name}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class C2paSigner:
    """A PEM certificate chain (leaf first) and its private key; `alg` must match the key."""

    cert_chain: Path
    private_key: Path
    alg: str = "ES256"
    tsa_url: str | None = None

    def sign(self, film: Path, *, title: str) -> Path:
        """Embed a signed manifest into `film` in place (via a temp file and os.replace)."""
        try:
            import c2pa
        except ImportError as exc:  # optional dependency
            raise BadInput("c2pa signer", str(self.cert_chain), "needs the c2pa-python package") from exc
        for path in (self.cert_chain, self.private_key):
            if not Path(path).is_file():
                raise BadInput("c2pa signer", str(path), "no such file")
        info = c2pa.C2paSignerInfo(
            alg=self.alg.encode(),
            sign_cert=Path(self.cert_chain).read_bytes(),
            private_key=Path(self.private_key).read_bytes(),
            ta_url=self.tsa_url.encode() if self.tsa_url else None,
        )
        try:
            with (
                atomic_path(film) as tmp,
                c2pa.Signer.from_info(info) as signer,
                c2pa.Builder(json.dumps(manifest_definition(title))) as builder,
                open(film, "rb") as src,
                open(tmp, "w+b") as dst,
            ):
                builder.sign(signer, "video/mp4", src, dst)
        except c2pa.C2paError as exc:
            raise RenderFailure(f"C2PA signing failed: {exc}") from exc
        return film
