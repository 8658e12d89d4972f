#!/usr/bin/env node
// The `portal` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/portal.ts');
