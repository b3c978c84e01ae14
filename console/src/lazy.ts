/**
 * React.lazy for a chunk that may have been loaded already. Plain lazy() always suspends on its first render,
 * even when the chunk is in memory (an import() promise settles a tick later), and React then holds the
 * revealed screen back for up to 300 ms after the fallback appeared (its Suspense throttling). Here, once
 * `preload()` has finished, the component answers with a thenable that resolves at once, so the screen renders
 * in the same pass with no fallback at all; before that it behaves as lazy() does.
 */
import { lazy, type ComponentType } from 'react';

export interface Preloadable<P> {
  Component: ComponentType<P>;
  /** Loads the chunk (once); resolves when it is ready to render without suspending. */
  preload(): Promise<void>;
}

export function preloadable<P>(load: () => Promise<{ default: ComponentType<P> }>): Preloadable<P> {
  let loaded: { default: ComponentType<P> } | null = null;
  let loading: Promise<void> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (m) => {
        loaded = m;
      },
      (err: unknown) => {
        loading = null; // a failed fetch may be retried by the next render
        throw err;
      },
    ));
  const Component = lazy(() => {
    const ready = loaded;
    // A thenable that calls back synchronously: React's lazy reads the module in the same call and does not suspend.
    // biome-ignore lint/suspicious/noThenProperty: the thenable is the point (see above)
    if (ready) return { then: (ok: (m: { default: ComponentType<P> }) => void) => ok(ready) } as unknown as Promise<{ default: ComponentType<P> }>;
    return preload().then(() => loaded!);
  });
  return { Component, preload };
}
