"""The framing, harmful-scene and private-person layers alone."""

from __future__ import annotations

from agents.gate import framing, private
from agents.gate.normalise import fold


def kinds(text: str) -> list[str]:
    return [h.kind for h in framing.find_framing(fold(text))]


def test_strong_framing_in_several_languages() -> None:
    assert kinds("make a deepfake") == ["strong"]
    assert kinds("ein Deepfakes-Video") == ["strong"]
    assert kinds("制作换脸视频") == ["strong"]
    assert kinds("сделай дипфейк") == ["strong"]


def test_weak_framing() -> None:
    assert kinds("fake CCTV footage of a heist") == ["weak"]
    assert kinds("rekaman CCTV di pasar") == ["weak"]
    assert "weak" in kinds("make Obama say hello")
    assert kinds("a calm walk by the river") == []


def test_harmful_scene_words_have_kinds_and_sentences() -> None:
    hits = framing.find_harmful(fold("He walks. Then he is arrested and recommends Fizz."))
    assert {(h.kind, h.sentence) for h in hits} == {("crime", 1), ("endorsement", 1)}
    assert [h.span for h in hits if h.kind == "crime"] == ["arrested"]
    assert [h.kind for h in framing.find_harmful(fold("Presiden merekomendasikan kopi"))] == ["endorsement"]


def test_relations_named_and_unnamed() -> None:
    (rel,) = private.find(fold("A film about my neighbour Dana Whitfield dancing."))
    assert (rel.tier, rel.name, rel.span) == ("relation", "Dana Whitfield", "my neighbour Dana Whitfield")
    assert [r.span for r in private.find(fold("mon patron danse"))] == ["mon patron"]
    assert [r.span for r in private.find(fold("我的老板在跳舞"))] == ["我的老板"]
    assert [r.span for r in private.find(fold("Мой начальник поёт"))] == ["Мой начальник"]


def test_quoted_relations_are_dialogue() -> None:
    assert private.find(fold('"You are not my boss!" the robot yells.')) == []


def test_family_is_its_own_tier() -> None:
    assert [r.tier for r in private.find(fold("my wife bakes bread"))] == ["family"]
