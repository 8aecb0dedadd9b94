import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** The Draftroom server that `vite dev` forwards API and collaboration traffic to. */
const backend = 'http://localhost:8080';

export default defineConfig({
  plugins: [
    react(),
    // The service worker (client/sw/sw.ts): the app shell and the last good answers to open a document
    // offline. Registered by the app itself (src/offline/serviceWorker.ts); no web app manifest.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,woff2}'],
        // The editor chunk (ProseMirror, TipTap, Yjs) must be in the shell, whatever its size.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
    }),
  ],
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
