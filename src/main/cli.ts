/**
 * Entry point of the `maas-images` command (out/main/cli.js). Plain Node: no Electron here.
 *
 * The heap is configured first, while it is still small (v8-tuning.ts); the CLI itself is loaded after
 * that, as a separate chunk, so no module's top-level code runs (and grows the heap) before.
 */
import { tuneV8ForCli } from './cli/v8-tuning'

tuneV8ForCli()
void import('./cli/cli-main').then((cli) => cli.main())
