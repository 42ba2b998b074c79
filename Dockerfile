# syntax=docker/dockerfile:1

# ---------------------------------------------------------------------------
# builder
# ---------------------------------------------------------------------------
FROM rust:1.95-slim-bookworm AS builder
WORKDIR /app
ENV CARGO_TERM_COLOR=never

# 1) Dependency layer: only manifests + lockfile, with dummy sources, so the
#    (slow) third-party dependency build is cached until Cargo.toml/Cargo.lock
#    change. Afterwards the artefacts of our own (dummy) crates are removed so
#    the real sources are always recompiled, regardless of file mtimes.
COPY Cargo.toml Cargo.lock ./
COPY api/Cargo.toml api/Cargo.toml
COPY domain/Cargo.toml domain/Cargo.toml
COPY xapi/Cargo.toml xapi/Cargo.toml
COPY persistence/Cargo.toml persistence/Cargo.toml
COPY migration/Cargo.toml migration/Cargo.toml
RUN set -eux; \
    mkdir -p src api/src domain/src xapi/src persistence/src migration/src tests/api benches; \
    echo 'fn main() {}' > src/main.rs; \
    echo 'fn main() {}' > benches/load.rs; \
    echo 'fn main() {}' > benches/learning.rs; \
    echo 'fn main() {}' > benches/xapi.rs; \
    echo 'fn main() {}' > benches/xapi_query.rs; \
    echo 'fn main() {}' > migration/src/main.rs; \
    echo 'fn main() {}' > tests/api/main.rs; \
    : > api/src/lib.rs; \
    : > domain/src/lib.rs; \
    : > xapi/src/lib.rs; \
    : > persistence/src/lib.rs; \
    : > migration/src/lib.rs; \
    cargo build --release --locked --bin learnwell; \
    rm -rf target/release/.fingerprint/learnwell* \
           target/release/deps/learnwell* \
           target/release/deps/liblearnwell* \
           target/release/learnwell target/release/learnwell.d; \
    rm -rf src api/src domain/src xapi/src persistence/src migration/src tests benches

# 2) Real sources. api/ is copied whole: api/assets/ is embedded with include_bytes!.
COPY src ./src
COPY api ./api
COPY domain ./domain
COPY xapi ./xapi
COPY persistence ./persistence
COPY migration ./migration
COPY tests ./tests
COPY benches ./benches
COPY config ./config
RUN cargo build --release --locked --bin learnwell

# ---------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# No packages: the binary links only glibc and libgcc (both in the base image); its TLS (PostgreSQL,
# Redis, JWKS) is rustls with the Mozilla roots compiled in, so it needs neither OpenSSL nor
# ca-certificates, nor curl (the HEALTHCHECK below is the binary itself). Mount private CA files
# (sslrootcert, redis.ca_file) read-only. groupadd/useradd come with the base image.
RUN set -eux; \
    groupadd --gid 10001 learnwell; \
    useradd --uid 10001 --gid 10001 \
            --home-dir /var/lib/learnwell --create-home \
            --shell /usr/sbin/nologin learnwell; \
    mkdir -p /var/lib/learnwell/data; \
    chown 10001:10001 /var/lib/learnwell/data

WORKDIR /var/lib/learnwell

COPY --from=builder /app/target/release/learnwell /usr/local/bin/learnwell
COPY --from=builder /app/config /etc/learnwell/config

# The SQLite database (and, for `serve --demo`, the demo's development keys beside it) live in
# the data volume; set LEARNWELL__DATABASE__URL=postgres://... to use PostgreSQL instead.
ENV LEARNWELL_CONFIG_DIR=/etc/learnwell/config \
    LEARNWELL__SERVER__HOST=0.0.0.0 \
    LEARNWELL__DATABASE__URL=sqlite:///var/lib/learnwell/data/learnwell.db?mode=rwc

VOLUME ["/var/lib/learnwell/data"]

EXPOSE 8080

USER learnwell

# `learnwell healthcheck` asks GET /healthz on this container's server.port (exit 0 on 200);
# orchestrators with their own probes use GET /healthz (liveness) and GET /readyz (readiness).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["learnwell", "healthcheck"]

ENTRYPOINT ["learnwell"]
CMD ["serve"]
