import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The Draftroom server that `vite dev` forwards API and collaboration traffic to. */
const backend = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The editor chunk (ProseMirror, TipTap, Yjs) is loaded only on document pages.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      treeshake: {
        // @draftroom/shared is pure declarations; without this hint the unused zod schemas
        // (server-side validation) would be bundled into the client.
        moduleSideEffects: [{ test: /[\\/]shared[\\/]src[\\/]/, sideEffects: false }],
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
      '/collab': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
