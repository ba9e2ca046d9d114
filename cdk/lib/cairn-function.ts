// One Lambda function of cairn, with the settings every one of them shares: Node.js 22 on arm64, an ESM
// bundle built by the local esbuild (never Docker), the AWS SDK bundled rather than taken from the runtime,
// JSON logs into a log group whose retention we set.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root, where package-lock.json and functions/ are. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// esbuild's ESM output has no `require`; some bundled dependencies are CommonJS and call it.
const REQUIRE_BANNER = "import { createRequire as __cairnCreateRequire } from 'node:module';"
  + ' const require = __cairnCreateRequire(import.meta.url);';

/** Properties of {@link CairnFunction}. */
export interface CairnFunctionProps {
  /** Handler module, relative to the repository root, exporting `handler` (e.g. "functions/job-plan.ts"). */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** The execution role; it must carry AWSLambdaBasicExecutionRole or equivalent. */
  readonly role: IRole;
  /** Memory in MiB; CPU and network share grow with it (1769 MiB = one vCPU). @default 1024 */
  readonly memorySize?: number;
  /** Timeout. @default 1 minute */
  readonly timeout?: Duration;
  /** Environment variables (names and ARNs only, never secret values). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Log retention. @default one month */
  readonly logRetention?: RetentionDays;
}

/** A cairn Lambda function and its log group. */
export class CairnFunction extends Construct {
  /** The function. */
  readonly function: NodejsFunction;
  /** Its log group, with the retention set. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CairnFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(1),
      role: props.role,
      environment: { ...props.environment },
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        // The runtime's SDK version drifts; the bundled one is the one we tested.
        bundleAwsSDK: true,
        // Native addon built for the wrong architecture; the engine falls back to node:zlib zstd (Node 22.15+).
        externalModules: ['zstd-napi'],
        minify: true,
        // Error class names (TransientError) drive the state machine's retries; keep them through minifying.
        keepNames: true,
        forceDockerBundling: false,
      },
    });
  }
}
