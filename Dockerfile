# The leakgate image a fleet runs (docs/audits.md): built on Debian 12,
# run on Debian 12 slim with only the shared libraries leakgate links,
# git (hooks and --repos-from lists call it), and a non-root user.
#
#   docker build -t leakgate:0.1.0 .
#   docker run --rm -v /srv/git/app.git:/repo:ro leakgate:0.1.0 scan /repo

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config git \
      libgit2-dev libhyperscan-dev libcjson-dev libpcre2-dev zlib1g-dev libdeflate-dev \
      libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Hyperscan linked shared (the default), so a Debian security update of it
# reaches the image with an apt upgrade, without rebuilding leakgate.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DLEAKGATE_WERROR=ON \
 && cmake --build /build -j"$(nproc)" --target leakgate \
 && strip /build/leakgate

FROM debian:12-slim
# The runtime halves of the -dev packages above, and git. libcurl4 is for
# --verify: leakgate loads libcurl.so.4 only when it makes a check (so a
# hook's start-up does not load its libraries), which is why ldd below does
# not list it and it is checked by name. Mounted
# repositories often belong to other users: safe.directory '*' lets the git
# command open them (hooks, --repos-from). libgit2 1.5 (Debian 12), which
# leakgate scans with, honours only exact paths there, not '*': run the
# container as the uid that owns the repositories (docs/audits.md).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      git libgit2-1.5 libhyperscan5 libcjson1 libpcre2-8-0 zlib1g libdeflate0 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --create-home --home-dir /home/leakgate leakgate \
 && git config --system --add safe.directory '*'
COPY --from=build /build/leakgate /usr/local/bin/leakgate
# Fails the build when a shared library is missing, libcurl's included.
RUN ! ldd /usr/local/bin/leakgate | grep -q 'not found' \
 && ldconfig -p | grep -q '^[[:space:]]*libcurl\.so\.4 ' \
 && leakgate version
USER 10001:10001
WORKDIR /home/leakgate
ENV LEAKGATE_CACHE_DIR=/home/leakgate/.cache/leakgate
ENTRYPOINT ["leakgate"]
CMD ["help"]
