# One image for both apps; the compose file picks the entry point.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps/api/views ./apps/api/views
COPY --from=build /app/apps/status-page/views ./apps/status-page/views
# The status page's persisted snapshot (DATA_DIR); docker-compose.yml mounts a volume here.
RUN mkdir -p /var/lib/ballast && chown node:node /var/lib/ballast
ENV DATA_DIR=/var/lib/ballast
USER node
EXPOSE 3000 3001
# The API's readiness by default; the status page's service sets HEALTHCHECK_URL=http://127.0.0.1:3001/health (docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL || 'http://127.0.0.1:3000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/api/src/main.js"]
