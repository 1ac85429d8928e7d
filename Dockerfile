# nhacviec — one small image for polling or webhook mode.
#   docker build -t nhacviec .
#   docker run --env-file .env -v nhacviec-data:/data nhacviec
# The bot migrates the database itself at start-up; settings come from the environment (.env.example).
# bookworm pins postgresql-client 15: `nhacviec backup` needs a pg_dump no older than the server.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    DATABASE_URL=sqlite+aiosqlite:////data/nhacviec.db \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8080

RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/nhacviec --uid 10001 nhacviec \
    && mkdir -p /data && chown nhacviec:nhacviec /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY storage ./storage
COPY domain ./domain
COPY emulator ./emulator
COPY bench ./bench
RUN pip install . && rm -rf /app/build

USER nhacviec
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# Webhook mode answers /healthz (200 healthy, 503 not); in polling mode there is no server to ask.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, sys, urllib.request; \
sys.exit(0) if not os.environ.get('WEBHOOK_URL') else \
urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEBHOOK_PORT', '8080'), timeout=4)"

CMD ["nhacviec", "run"]
