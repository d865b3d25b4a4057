# The self-check service in a container: `docker build -t jxcheck .`, then
#   docker run -d -p 8000:8000 -v jxcheck-data:/data jxcheck
# and create the first accounts with
#   docker exec -it <container> jxcheck admin --data /data user-add admin --role admin
# BASE_IMAGE: any Debian-based image with Python 3.11-3.14 (python:3.13-slim by default; where no registry is
# reachable, one made from Debian's packages with debootstrap and `docker import`).
ARG BASE_IMAGE=python:3.13-slim

FROM ${BASE_IMAGE} AS build
# durable-rules ships as C source only: the compiler stays in this stage
RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ python3-dev python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . /src
# deploy/extra-ca/*.crt (deploy/build-image.sh puts the host's bundle there): a registry behind a TLS proxy
RUN cat /src/deploy/extra-ca/*.crt >> /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN python3 -m venv /opt/jxcheck \
    && CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject /opt/jxcheck/bin/pip install --no-cache-dir '.[postgres]'

FROM ${BASE_IMAGE}
RUN (apt-get update && apt-get install -y --no-install-recommends python3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*) || true \
    && useradd --system --home /data --shell /usr/sbin/nologin jxcheck \
    && mkdir -p /data && chown jxcheck /data
COPY --from=build /opt/jxcheck /opt/jxcheck
ENV PATH=/opt/jxcheck/bin:$PATH PYTHONUNBUFFERED=1
USER jxcheck
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python3 -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# behind the reverse proxy (deploy/nginx.conf) that terminates TLS; --allowed-host names the address users open
CMD ["jxcheck", "serve", "--data", "/data", "--host", "0.0.0.0", "--port", "8000", "--secure-cookies"]
