# The legis image: one image for the worker (`legis worker`) and the HTTP API (`legis api`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY store ./store
COPY cli ./cli
COPY web ./web
RUN pip install . && useradd --system --no-create-home legis

USER legis
# Containers bind their HTTP endpoints on every interface; ports as in the settings' defaults.
ENV LEGIS_HTTP_HOST=0.0.0.0 LEGIS_LOG_JSON=true
EXPOSE 8000 8081 9464
ENTRYPOINT ["legis"]
CMD ["worker"]
