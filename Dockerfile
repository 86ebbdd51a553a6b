# The Switchboard server (roles: all | api | worker via ROLE).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY apps ./apps
COPY packages ./packages
COPY templates ./templates
RUN npm ci --no-audit --no-fund && npm run build
# Postgres comes from DATABASE_URL in containers; the embedded one is for laptops.
ENV PORT=3000 DATA_DIR=/data
EXPOSE 3000
USER node
CMD ["npm", "run", "start", "-w", "@switchboard/server"]
