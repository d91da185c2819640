# syntax=docker/dockerfile:1
# Build: install dependencies with the native toolchain available, so @tensorflow/tfjs-node can
# fetch libtensorflow (the fastest grading backend). Without internet it is skipped and the bot
# falls back to the wasm backend.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# DejaVu fonts so that rendered score cards and leaderboards have text.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY problems ./problems
COPY knowledge ./knowledge
COPY drizzle ./drizzle
COPY assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/tf-study-bot.js"]
CMD ["start"]
