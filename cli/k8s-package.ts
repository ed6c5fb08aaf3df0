// `npm run k8s:package -- [--parallelism N] [--profile NAME] ...`: the k6-operator manifests of a distributed run
// (load/k8s/package.ts parses the flags with node:util parseArgs and writes them). Exit 2 on bad input.
import { runMain } from '../core/main.ts';
import { main } from '../load/k8s/package.ts';

runMain('k8s:package', async () => main(process.argv.slice(2)));
