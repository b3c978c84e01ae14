import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * index.html preloads the app's chunks (boot.tsx and everything it imports), not only the light entry's, and their
 * styles (Ant Design's 1 MB antd.css): the entry loads the app with a dynamic import after starting a case file's
 * requests, and without these links the app's chunks and styles would start downloading only then. The styles are
 * preloaded, not linked: a linked stylesheet holds every module script back until it is loaded and parsed (50–75 ms
 * for antd.css in a cold tab); Vite's import of boot.tsx links it and waits for it before the first render.
 */
function preloadBoot(): Plugin {
  return {
    name: 'fangpin-preload-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const boot = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/boot.tsx'));
        if (boot?.type !== 'chunk') throw new Error('fangpin-preload-boot: no chunk for src/boot.tsx');
        const files = new Set<string>();
        const styles = new Set<string>();
        const visit = (file: string) => {
          if (files.has(file)) return;
          files.add(file);
          const c = bundle[file];
          if (c?.type !== 'chunk') return;
          for (const css of c.viteMetadata?.importedCss ?? []) styles.add(css);
          for (const dep of c.imports) visit(dep);
        };
        visit(boot.fileName);
        const already = new Set([...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1]));
        const link = (f: string, attrs: Record<string, string>) => ({
          tag: 'link',
          attrs: { ...attrs, crossorigin: true, href: `/console/${f}` },
          injectTo: 'head' as const,
        });
        return [
          ...[...files].filter((f) => !already.has(f)).map((f) => link(f, { rel: 'modulepreload' })),
          ...[...styles].filter((f) => !already.has(f)).map((f) => link(f, { rel: 'preload', as: 'style' })),
        ];
      },
    },
  };
}

// Served under /console/ (embedded: by embedded/http-server.ts; on AWS later: CloudFront). The API base URL is
// not built in: it comes from config.json beside the files at run time.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react(), preloadBoot()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
