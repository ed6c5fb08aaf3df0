// `npm run generate:load-validator`: compiles the pinned spec's login response schemas into
// load/lib/login-response-validator.js (+ .d.ts), the validator every login response of a load run is checked with.
// Run it after changing contract/openapi/; the load-validator test fails until you do.
import { join } from 'node:path';
import { repoRoot } from '../config/index.ts';
import { writeFileAtomic } from '../core/files.ts';
import { runMain } from '../core/main.ts';
import { loadSpec } from '../contract/validator/spec.ts';
import { generatedDtsPath, generatedJsPath, generateLoadValidator } from '../contract/validator/standalone.ts';

runMain('generate:load-validator', async () => {
  const spec = loadSpec();
  const { js, dts } = generateLoadValidator(spec);
  writeFileAtomic(join(repoRoot, generatedJsPath), js);
  writeFileAtomic(join(repoRoot, generatedDtsPath), dts);
  console.log(
    `generate:load-validator: wrote ${generatedJsPath} (${js.length} bytes) from ${spec.title} ${spec.version}`,
  );
  return 0;
});
