# The legis image: one image for the worker (`legis worker`) and the HTTP API (`legis api`).
# The base image by digest (python:3.11-slim, Python 3.11.16 on Debian 13); requirements.lock is made for it.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Every package, setuptools included, at the version and with the hashes of the lock; then legis itself, built with that
# setuptools and nothing fetched besides.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY store ./store
COPY cli ./cli
COPY web ./web
RUN pip install --no-deps --no-build-isolation . && useradd --system --no-create-home legis

USER legis
# Containers bind their HTTP endpoints on every interface; ports as in the settings' defaults.
ENV LEGIS_HTTP_HOST=0.0.0.0 LEGIS_LOG_JSON=true
EXPOSE 8000 8081 9464
ENTRYPOINT ["legis"]
CMD ["worker"]
