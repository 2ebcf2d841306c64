#!/usr/bin/env node
// The CLI is TypeScript run through tsx: no build step between a clone and `npx sluice`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
