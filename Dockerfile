# syntax=docker/dockerfile:1
# Multi-stage image of the Dancely API (Node 24). The build steps are the same commands CI runs
# (`npm ci`, `npm run build`); see docs/deployment.md for what was and was not exercised here.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000 \
    LOG_DIR=/app/var/log
WORKDIR /app
RUN groupadd --system dancely && useradd --system --gid dancely --home /app dancely \
    && mkdir -p /app/var/log && chown -R dancely:dancely /app/var
COPY --from=build --chown=dancely:dancely /app/node_modules ./node_modules
COPY --from=build --chown=dancely:dancely /app/dist ./dist
COPY --chown=dancely:dancely package.json ./
USER dancely
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `node` directly (not npm) so SIGTERM reaches the process and in-flight requests drain.
CMD ["node", "dist/main.js"]
