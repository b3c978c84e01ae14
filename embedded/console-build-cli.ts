/** `npm run console:build`: type-check and build the web console into console/dist, always. */
import { buildConsole } from './console-build.js';

await buildConsole((l) => console.log(`fangpin: ${l}`)).catch((err: unknown) => {
  console.error(`fangpin: console build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
