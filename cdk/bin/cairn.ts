#!/usr/bin/env node
// The cairn CDK app: reads the `cairn:*` settings from context (cdk.json or -c key=value), validates them,
// and defines one stack. Needs no AWS account to synthesize: the stack is environment-agnostic.
import { App } from 'aws-cdk-lib';
import { CairnStack } from '../lib/cairn-stack.js';
import { CairnConfigError, readConfig } from '../lib/config.js';

const app = new App();
try {
  const config = readConfig((key) => app.node.tryGetContext(key));
  new CairnStack(app, config.stackName, {
    config,
    description: 'cairn: restic-format backups with serverless maintenance next to the storage',
  });
} catch (error) {
  if (error instanceof CairnConfigError) {
    // One actionable line instead of a stack trace: the key and what to write instead.
    console.error(`cairn config: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
