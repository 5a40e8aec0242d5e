import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = process.env.PIPEWRIGHT_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/hooks': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // CodeMirror (the editor's expression and code fields) changes on its own release cycle: its own chunk is
          // cached across our deploys and keeps the editor's chunk under the size limit.
          groups: [{ name: 'codemirror', test: /node_modules[\\/].*@(codemirror|lezer)[\\/]/ }],
        },
      },
    },
  },
});
