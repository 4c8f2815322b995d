# One image for both apps; the compose file picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps/api/views ./apps/api/views
COPY --from=build /app/apps/status-page/views ./apps/status-page/views
USER node
EXPOSE 3000 3001
CMD ["node", "--enable-source-maps", "dist/apps/api/src/main.js"]
