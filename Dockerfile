# storyreel image. `docker build .` is the core install (previz engine, no torch);
# `docker build --build-arg EXTRAS=diffusion .` adds the diffusion engine (compose's gpu-worker).
# No ENTRYPOINT: compose names the whole command (`storyreel serve ...`, `storyreel worker`).
FROM python:3.11-slim

# Fonts for the lettering's fallback chain (engine/cutting/typefaces.py, the Makefile's FONT_PACKAGES),
# libfribidi0 so Pillow's raqm layout can shape Arabic and Hebrew, espeak-ng for synthesised voices.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
        libfribidi0 espeak-ng \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . /app

# Empty EXTRAS means `pip install .` (`.[]` is not a requirement pip takes); else `.[diffusion]`.
# PostgreSQL's driver, psycopg[binary], is a core dependency in pyproject.toml.
ARG EXTRAS=
RUN pip install "/app${EXTRAS:+[$EXTRAS]}"

# Run as a user, not root. The volume mount points exist and belong to it here, so a fresh named
# volume starts out owned by that user (Docker copies the image's folder into it).
RUN useradd --create-home --uid 1000 storyreel \
    && mkdir -p /data /models \
    && chown storyreel:storyreel /data /models
USER storyreel
WORKDIR /data
ENV STORYREEL_HOME=/data

EXPOSE 8000
CMD ["storyreel", "--help"]
