import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served under /console/ (embedded: by embedded/http-server.ts; on AWS later: CloudFront). The API base URL is
// not built in: it comes from config.json beside the files at run time.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
