"""Voices: stable per character, chosen by language, moved by emotion, spoken once and cached.

espeak-ng runs for real. The openai engine talks to a scripted loopback server standing in for
Kokoro-FastAPI / Speaches (which cannot run here); piper is tested for its error lines only,
since no piper voice file can be downloaded here.
"""

from __future__ import annotations

import importlib.util
import io
import json
import threading
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from engine.cutting.audio import SAMPLE_RATE
from engine.sound.voices import (
    Line,
    Speech,
    TtsOptions,
    line_key,
    performed,
    speak,
    voice_for,
    voice_language,
    voice_note,
)
from film import BadInput, Character, RenderFailure, Voice

MAYA = Character(id="maya", name="Maya", build="slight")
OTTO = Character(id="otto", name="Otto", build="broad")
ESPEAK = TtsOptions()


def _log_lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def test_a_character_keeps_one_voice_and_two_characters_differ() -> None:
    first = voice_for(MAYA, "en")
    assert all(voice_for(MAYA, "en") == first for _ in range(3))
    assert voice_for(Character(id="maya", name="Maya Again", description="later episode"), "en") == first
    assert voice_for(OTTO, "en") != first
    cast = [voice_for(Character(id=f"c{n}", name=f"C{n}"), "en") for n in range(12)]
    assert len({(v.voice_id, v.pitch) for v in cast}) >= 8  # a stable hash spreads a cast out
    assert voice_for(None, "en") == voice_for(None, "en")
    assert voice_for(None, "en") not in {first, voice_for(OTTO, "en")}


def test_child_speaks_higher_and_own_voice_wins() -> None:
    child = voice_for(Character(id="pip", name="Pip", build="child"), "en")
    adult = voice_for(Character(id="pip", name="Pip"), "en")
    assert child.pitch > adult.pitch
    own = Voice(voice_id="de+f2", rate=1.2, pitch=-3)
    assert voice_for(MAYA.model_copy(update={"voice": own}), "en") == own
    filled = voice_for(MAYA.model_copy(update={"voice": Voice(rate=0.8)}), "id")
    assert filled.voice_id.startswith("id+") and filled.rate == 0.8


def test_the_language_picks_the_espeak_voice() -> None:
    for language, espeak in {"en": "en-us", "id": "id", "ja": "ja", "zh": "cmn", "pt-BR": "pt-br"}.items():
        assert voice_language(language) == espeak
        assert voice_for(MAYA, language).voice_id.split("+")[0] == espeak
        assert voice_note(language) is None
    # the variant comes from the id alone: the same timbre in every language
    assert len({voice_for(MAYA, lang).voice_id.split("+")[1] for lang in ("en", "id", "ja", "zh")}) == 1
    assert voice_language("tlh") == "en-us"
    assert "tlh" in (voice_note("tlh") or "")


def test_every_lexicon_language_has_an_installed_espeak_voice(tmp_path: Path) -> None:
    from templates import template_path

    languages = sorted(p.stem for p in template_path("lexicons").glob("*.toml") if p.stem != "common")
    assert languages
    for language in languages:
        assert voice_note(language) is None, language
    # espeak-ng refuses a voice it lacks, so speaking one word in each proves them installed
    for language in ("ar", "hi", "ja", "zh", "uk"):
        line = Line(text="1", language=language, voice=voice_for(OTTO, language))
        assert speak(line, ESPEAK, tmp_path).seconds > 0


def test_emotion_moves_rate_and_pitch() -> None:
    base = voice_for(MAYA, "en")
    angry, neutral, sad = (performed(base, e) for e in ("furious", "neutral", "grief-stricken"))
    assert angry.rate > neutral.rate > sad.rate
    assert angry.pitch > neutral.pitch > sad.pitch
    assert neutral == base == performed(base, "calm")
    assert performed(base, "angrily") == performed(base, "angry")  # stems match word starts
    assert performed(base, "scared").rate == pytest.approx(1.2 * base.rate)
    assert performed(Voice(rate=1.9, pitch=11), "terrified") == Voice(rate=2.0, pitch=12)  # clamped


def test_speech_is_48k_float32_from_its_onset_to_its_last_sound(tmp_path: Path) -> None:
    speech = speak(Line("Where is the lighthouse?", "en", voice_for(MAYA, "en"), "maya"), ESPEAK, tmp_path)
    samples = speech.samples
    assert isinstance(speech, Speech) and not speech.cached
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert 0.5 < speech.seconds < 4.0 and speech.seconds == len(samples) / SAMPLE_RATE
    ms = SAMPLE_RATE // 1000
    peak = float(np.max(np.abs(samples)))
    assert float(np.max(np.abs(samples[: 10 * ms]))) > peak * 0.01  # heard within the first 10 ms
    assert float(np.max(np.abs(samples[-10 * ms :]))) > peak * 0.01  # and until the last 10 ms
    rate, stored = wavfile.read(tmp_path / f"voice-{speech.key}.wav")
    assert rate == SAMPLE_RATE and stored.dtype == np.float32 and np.array_equal(stored, samples)


def test_trimming_keeps_the_sound_to_the_millisecond(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rate = 22050
    tone = 0.5 * np.sin(2 * np.pi * 220 * np.arange(rate // 10) / rate)  # 0.1 s
    padded = np.concatenate([np.zeros(rate // 3), tone, np.zeros(rate // 2)]).astype(np.float32)
    monkeypatch.setattr("engine.sound.voices.synthesise", lambda *args: (padded, float(rate)))
    speech = speak(Line("Ah.", "en", voice_for(MAYA, "en")), ESPEAK, tmp_path)
    assert 0.1 <= speech.seconds <= 0.102  # within a millisecond at each end
    assert speech.samples[0] == 0.0 and 0 < abs(float(speech.samples[48])) < 0.5  # a 5 ms fade-in


def test_slower_voices_take_longer(tmp_path: Path) -> None:
    base = voice_for(OTTO, "en")
    text = "The storm is gone, and the boats are coming home."
    fast, slow = (speak(Line(text, "en", performed(base, e)), ESPEAK, tmp_path) for e in ("angry", "sad"))
    assert fast.seconds < slow.seconds


def test_a_line_is_spoken_once_and_a_changed_line_alone_again(tmp_path: Path) -> None:
    log = tmp_path / "render.log"
    voice = voice_for(MAYA, "en")
    line = Line("We leave at dawn.", "en", voice, "maya")
    first = speak(line, ESPEAK, tmp_path / "cache", log)
    again = speak(line, ESPEAK, tmp_path / "cache", log)
    assert again.cached and not first.cached and again.key == first.key
    assert np.array_equal(again.samples, first.samples)
    assert len(_log_lines(log)) == 1
    changed = Line("We leave at noon.", "en", voice, "maya")
    speak(changed, ESPEAK, tmp_path / "cache", log)
    lines = _log_lines(log)
    assert len(lines) == 2 and lines[1].split()[:3] == [line_key(changed), "voice", "maya"]
    # only what changes the audio changes the key
    described = voice.model_copy(update={"description": "warm"})
    assert line_key(Line(line.text, "en", described, "otto")) == first.key
    assert line_key(Line(line.text, "id", voice)) != first.key
    assert line_key(Line(line.text, "en", performed(voice, "angry"))) != first.key
    narrated = speak(Line("We leave at dawn.", "en", voice_for(None, "en")), ESPEAK, tmp_path / "cache", log)
    assert _log_lines(log)[-1].split()[2] == "-" and not narrated.cached


def test_the_cache_file_appears_whole(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    line = Line("Hold the rope!", "en", voice_for(OTTO, "en"), "otto")
    results: list[Speech] = []
    threads = [threading.Thread(target=lambda: results.append(speak(line, ESPEAK, cache))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in cache.iterdir()] == [f"voice-{line_key(line)}.wav"]  # no temp file left
    reread = speak(line, ESPEAK, cache)
    assert reread.cached and all(np.array_equal(r.samples, reread.samples) for r in results)


def test_text_is_never_a_command_line(tmp_path: Path) -> None:
    line = Line('--help -w /tmp/x "; rm -rf / $(id)', "en", voice_for(MAYA, "en"))
    assert speak(line, ESPEAK, tmp_path).seconds > 1.0


def test_an_unknown_espeak_voice_names_itself(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"'qq'.*espeak-ng --voices"):
        speak(Line("Hello.", "en", Voice(voice_id="qq")), ESPEAK, tmp_path)


def test_missing_espeak_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.sound.speech.shutil.which", lambda name: None)
    with pytest.raises(RenderFailure, match="make voices"):
        speak(Line("Hello.", "en", voice_for(MAYA, "en")), ESPEAK, tmp_path)


# --- openai: a scripted loopback server ------------------------------------------------------


def _wav_bytes(speed: float = 1.0, rate: int = 24000) -> bytes:
    """0.1 s of silence, 0.5 s of a 220 Hz tone (longer when spoken slower, as a TTS server would),
    0.1 s of silence: int16 mono."""
    t = np.arange(round(0.5 / speed * rate)) / rate
    tone = 0.5 * np.sin(2 * np.pi * 220 * t)
    pad = np.zeros(int(0.1 * rate))
    pcm = (np.concatenate([pad, tone, pad]) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()


class _Script:
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[dict[str, object]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, _Script]]:
    script = _Script([])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append({"path": self.path, **body})
            status = script.statuses.pop(0) if script.statuses else 200
            data = (
                _wav_bytes(float(body.get("speed", 1.0)))
                if status == 200
                else json.dumps({"error": {"message": "busy"}}).encode()
            )
            self.send_response(status)
            self.send_header("Content-Type", "audio/wav" if status == 200 else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("retry-after-ms", "1")  # the client's retry waits a millisecond
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_openai_engine_speaks_through_the_server_after_a_429(
    server: tuple[str, _Script], tmp_path: Path
) -> None:
    url, script = server
    script.statuses = [429]
    options = TtsOptions(base_url=url, model="kokoro", timeout_s=10)
    voice = Voice(engine="openai", voice_id="af_heart", rate=1.1)
    log = tmp_path / "log"
    speech = speak(Line("Hello.", "en", voice, "maya"), options, tmp_path, log)
    assert len(script.requests) == 2  # the 429, then the retry that got the audio
    request = script.requests[-1]
    assert request["path"] == "/v1/audio/speech"
    assert (request["model"], request["voice"], request["input"]) == ("kokoro", "af_heart", "Hello.")
    assert request["response_format"] == "wav" and request["speed"] == pytest.approx(1.1)
    assert speech.samples.dtype == np.float32
    assert speech.seconds == pytest.approx(0.5 / 1.1, abs=0.002)  # the padding trimmed, 24k -> 48k
    assert speak(Line("Hello.", "en", voice, "maya"), options, tmp_path, log).cached
    assert len(script.requests) == 2 and len(_log_lines(log)) == 1
    # the model and the server are part of the key, not the api key
    assert line_key(Line("Hello.", "en", voice), TtsOptions(base_url=url, model="tts-1")) != speech.key
    assert (
        line_key(Line("Hello.", "en", voice), TtsOptions(base_url=url, model="kokoro", api_key="k"))
        == speech.key
    )


def test_openai_pitch_shifts_without_changing_the_pace(server: tuple[str, _Script], tmp_path: Path) -> None:
    url, script = server
    options = TtsOptions(base_url=url)
    up = speak(Line("Hi.", "en", Voice(engine="openai", pitch=12.0)), options, tmp_path)
    assert script.requests[-1]["speed"] == pytest.approx(0.5)  # spoken slower, then played faster
    assert script.requests[-1]["voice"] == "alloy"
    assert up.seconds == pytest.approx(0.5, abs=0.002)
    spectrum = np.abs(np.fft.rfft(up.samples))
    assert np.argmax(spectrum) * SAMPLE_RATE / len(up.samples) == pytest.approx(440, rel=0.02)


def test_openai_server_error_is_a_render_failure(server: tuple[str, _Script], tmp_path: Path) -> None:
    url, script = server
    script.statuses = [500] * 10
    with pytest.raises(RenderFailure, match=r"127\.0\.0\.1:\d+ answered HTTP 500"):
        speak(Line("Hello.", "en", Voice(engine="openai")), TtsOptions(base_url=url), tmp_path)
    assert not list(tmp_path.iterdir())


def test_openai_needs_a_server(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="STORYREEL_TTS_BASE_URL"):
        speak(Line("Hello.", "en", Voice(engine="openai")), TtsOptions(), tmp_path)


def test_openai_voices_are_picked_from_the_id() -> None:
    own = Voice(engine="openai")
    picked = voice_for(MAYA.model_copy(update={"voice": own}), "en")
    assert picked.engine == "openai" and picked.voice_id
    assert voice_for(MAYA.model_copy(update={"voice": own}), "ja") == picked


# --- piper: error lines only (no voice file can be downloaded here) ---------------------------


def test_piper_without_a_voice_file_names_the_file_and_folder(tmp_path: Path) -> None:
    line = Line("Hello.", "en", Voice(engine="piper", voice_id="en_US-lessac-medium"))
    with pytest.raises(
        BadInput, match=r"no piper voice en_US-lessac-medium\.onnx in .*STORYREEL_TTS_VOICES_DIR"
    ):
        speak(line, TtsOptions(), tmp_path)
    with pytest.raises(BadInput, match=f"en_US-lessac-medium.onnx in {tmp_path}"):
        speak(line, TtsOptions(voices_dir=tmp_path), tmp_path / "cache")


@pytest.mark.skipif(importlib.util.find_spec("piper") is not None, reason="piper-tts is installed here")
def test_piper_without_the_package_says_how_to_install(tmp_path: Path) -> None:
    (tmp_path / "en_US-lessac-medium.onnx").write_bytes(b"not a model")
    line = Line("Hello.", "en", voice_for(MAYA.model_copy(update={"voice": Voice(engine="piper")}), "en"))
    assert line.voice.voice_id == "en_US-lessac-medium"
    with pytest.raises(RenderFailure, match="pip install piper-tts"):
        speak(line, TtsOptions(voices_dir=tmp_path), tmp_path / "cache")
