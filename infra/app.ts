import { loadConfigFile } from '../config/load-file.ts';
import { buildApp } from './build-app.ts';

/**
 * The CDK app: `npm run synth` (offline: no credentials, no lookups) or `npx cdk deploy`. The pipeline
 * configuration is the one the local engine reads: SLUICE_CONFIG_FILE, or the default.
 */
const config = await loadConfigFile(process.env.SLUICE_CONFIG_FILE);
buildApp(config, { stackName: process.env.SLUICE_STACK_NAME ?? 'Sluice' });
