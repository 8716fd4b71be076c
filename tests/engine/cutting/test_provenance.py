"""A signed C2PA manifest in the film, made with a throwaway CA and leaf, that verifies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine import FfmpegAssembler
from engine.cutting.assemble import AssembleOptions
from engine.cutting.provenance import C2paSigner
from engine.media import FrameWriter
from film import Clip, Timeline
from film.disclosure import DIGITAL_SOURCE_TYPE as SOURCE_TYPE
from tests.engine.conftest import make_plan, make_shot

c2pa = pytest.importorskip("c2pa")
x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "storyreel tests"),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    """CA: may sign certificates and CRLs; leaf: digital signatures only (what C2PA wants)."""
    return x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False)


def _aki(key: ec.EllipticCurvePrivateKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())


def _ca_and_leaf(folder: Path) -> tuple[Path, Path]:
    now = dt.datetime.now(dt.UTC)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("test CA")).issuer_name(_name("test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    leaf = (
        x509.CertificateBuilder().subject_name(_name("storyreel signer")).issuer_name(ca.subject)
        .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(_aki(ca_key), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    chain = folder / "chain.pem"
    chain.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    key = folder / "signer.key"
    key.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return chain, key


def test_film_carries_a_verifiable_c2pa_manifest(tmp_path: Path) -> None:
    take = tmp_path / "take.mp4"
    with FrameWriter(take, 160, 96, 24) as writer:
        for i in range(48):
            writer.write(__import__("numpy").full((96, 160, 3), i * 5, "uint8"))
    chain, key = _ca_and_leaf(tmp_path)
    timeline = Timeline(
        fps=24, width=160, height=96, clips=(Clip(shot_id="S1", take_path=str(take), out_frame=48),)
    )
    plan = make_plan((make_shot("S1", frames=48),))
    options = AssembleOptions(exports=False, signer=C2paSigner(cert_chain=chain, private_key=key))
    film = FfmpegAssembler(options=options).assemble(timeline, plan, tmp_path / "out")

    ca_pem = (
        chain.read_text(encoding="utf-8").split("-----END CERTIFICATE-----")[1]
        + "-----END CERTIFICATE-----\n"
    )
    trust = {"trust_anchors": ca_pem.strip() + "\n"}
    settings = c2pa.Settings.from_dict({"verify": {"verify_trust": True}, "trust": trust})
    with c2pa.Context(settings) as context, c2pa.Reader(str(film), context=context) as reader:
        store = json.loads(reader.json())
        state = reader.get_validation_state()
    manifest = store["manifests"][store["active_manifest"]]
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    assert actions["data"]["actions"][0]["digitalSourceType"] == SOURCE_TYPE
    # with the throwaway CA as the only trust anchor the signature verifies all the way up
    assert state == "Trusted" and not store.get("validation_status"), store.get("validation_status")
