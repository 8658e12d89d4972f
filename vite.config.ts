/**
 * Builds the web UI from `web/` into `dist/web`, which the portal serves with a fallback to
 * `index.html` for client-side routes. In development, `/api` goes to a portal on port 3000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repositoryRoot = fileURLToPath(new URL('.', import.meta.url));

/** Libraries in chunks of their own, which change less often than the portal's code. */
function vendorChunk(id: string): string | undefined {
  if (!id.includes('node_modules')) return undefined;
  for (const name of ['@mantine', '@tanstack', 'react-router', 'zod']) {
    if (id.includes(`/node_modules/${name}/`)) return name.replace('@', '');
  }
  return 'vendor';
}

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // No React plugin: esbuild's automatic runtime is all the JSX needs.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {
      output: { manualChunks: vendorChunk },
      onwarn(warning, warn) {
        // Libraries written for server components mark files "use client", which means nothing
        // in a browser bundle; zod carries a purity comment Rollup cannot place. Both harmless.
        const harmless = ['MODULE_LEVEL_DIRECTIVE', 'INVALID_ANNOTATION'];
        if (harmless.includes(warning.code ?? '') && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
  server: {
    // The web code imports the settings schema from `src/`, outside the Vite root.
    fs: { allow: [repositoryRoot] },
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
