# The Switchboard server (roles: all | api | worker via ROLE).
FROM node:22-bookworm-slim
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY apps ./apps
COPY packages ./packages
COPY templates ./templates
# The build needs the dev dependencies (turbo, vite, esbuild): NODE_ENV=production comes after it,
# and the image keeps only what runs. `npm install`, not `npm ci`, for the reason in .ci/run (the
# lockfile lacks turbo's darwin/windows packages, which `npm ci` refuses); it installs the lockfile's
# versions all the same.
RUN npm install --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund
# Postgres comes from DATABASE_URL in containers; the embedded one is for laptops.
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
EXPOSE 3000
USER node
# Plain node on the bundle (no npm in between): it gets SIGTERM itself and drains.
CMD ["node", "--enable-source-maps", "apps/server/dist/main.js"]
