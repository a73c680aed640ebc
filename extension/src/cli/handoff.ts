/** The `handoff` executable (bundled to dist/cli.cjs). */
import { main } from './cli';

main();
