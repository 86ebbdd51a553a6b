import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      // The Host stays localhost:5173, as the browser's Origin is: the server's CSRF check compares them.
      '/api': { target: server },
      '/webhooks': { target: server, changeOrigin: true },
      '/widget': { target: server, changeOrigin: true },
      '/widget.js': { target: server, changeOrigin: true },
      // The hosted preview page of a website chat is the server's, not a screen of this app.
      '/preview': { target: server, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', assetsDir: 'assets', chunkSizeWarningLimit: 1500 },
});
