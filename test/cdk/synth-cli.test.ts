// `npx cdk synth` from the repository root works with no AWS account, no credentials and no network, with
// real esbuild bundling (no Docker): ESM .mjs bundles with the createRequire banner, arm64 on Node 22, and a
// CloudFormation validation report without findings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

describe('npx cdk synth', () => {
  test('synthesizes from the repository root without credentials or network', () => {
    const out = mkdtempSync(join(tmpdir(), 'cairn-cdk-'));
    try {
      // A clean environment: no AWS_* variables, no profile files, no instance metadata lookups.
      const env = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: out,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(out, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(out, 'none'),
        CDK_DISABLE_VERSION_CHECK: '1',
        npm_config_cache: join(out, 'npm'),
        npm_config_offline: 'true',
      };
      const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting',
        '--output', join(out, 'cdk.out')], { cwd: root, env, encoding: 'utf8', timeout: 240_000 });
      assert.equal(result.status, 0, `cdk synth failed:\n${result.stdout}\n${result.stderr}`);

      const template = JSON.parse(readFileSync(join(out, 'cdk.out', 'Cairn.template.json'), 'utf8'));
      const functions = Object.values(template.Resources as Record<string, { Type: string; Properties: Record<string,
        unknown> }>).filter((r) => r.Type === 'AWS::Lambda::Function');
      assert.equal(functions.length, 5);
      for (const f of functions) {
        assert.match(String(f.Properties['Runtime']), /^nodejs(22|24)\.x$/);
        assert.deepEqual(f.Properties['Architectures'], ['arm64']);
      }

      const assets = readdirSync(join(out, 'cdk.out')).filter((d) => d.startsWith('asset.'));
      assert.ok(assets.length >= 1);
      for (const asset of assets) {
        const bundle = join(out, 'cdk.out', asset, 'index.mjs');
        assert.ok(existsSync(bundle), `${asset} holds an ESM bundle`);
        assert.match(readFileSync(bundle, 'utf8'), /createRequire/, 'the banner defines require');
      }

      const report = JSON.parse(readFileSync(join(out, 'cdk.out', 'validation-report.json'), 'utf8'));
      const violations = (report.pluginReports as { violations?: unknown[] }[]).flatMap((r) => r.violations ?? []);
      assert.deepEqual(violations, []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('reports a bad setting in one line that says what to write', () => {
    const result = spawnSync('npx', ['tsx', 'cdk/bin/cairn.ts'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(),
        CDK_CONTEXT_JSON: JSON.stringify({ 'cairn:storage': 'b2' }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^cairn config: cairn:storage: "b2" is not one of .*"external"/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
