// `npx playwright test` at the repository root runs the contract suite exactly as `npm run contract` does
// (`playwright test -c contract/playwright.config.ts`): the same config object, whose paths are absolute, so its
// specs, global setup (target, clean start) and reporters resolve the same from here. contract/test/root-config.test.ts
// holds the two equal.
export { default } from './contract/playwright.config.ts';
