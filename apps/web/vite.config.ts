import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = 'http://localhost:3000';
const flowIndex = fileURLToPath(new URL('../../packages/flow/src/index.ts', import.meta.url));
const shim = fileURLToPath(new URL('./.shim/flow.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: !existsSync(flowIndex) && existsSync(shim) ? { '@switchboard/flow': shim } : {} },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: true },
      '/webhooks': { target: server, changeOrigin: true },
      '/widget': { target: server, changeOrigin: true },
      '/widget.js': { target: server, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', assetsDir: 'assets', chunkSizeWarningLimit: 1500 },
});
