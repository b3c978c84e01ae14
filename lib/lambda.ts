/**
 * One Lambda construct with the project's defaults, and table binding with exactly the access a function needs.
 */
import { CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableSpec, type TableId } from '../functions/shared/tables.js';
import { acknowledgeNag } from './nag.js';
import { lambdaTracingAvailable } from './partition.js';

/**
 * Nothing is left out of a bundle, the AWS SDK included: the Node.js 22 runtime ships its own SDK v3, but that
 * version is whatever AWS installed, which no test runs; AWS's guidance is to bundle the SDK you tested with.
 * The price is size (docs/performance.md): the SDK is most of each bundle. An empty list, not the default: for
 * Node 18+ runtimes NodejsFunction leaves `@aws-sdk/*` out unless told otherwise.
 */
export const EXTERNAL_MODULES: readonly string[] = [];

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Metadata key on every CfnFunction: the embedded runtime maps a Task's function back to its module with it. */
export const HANDLER_METADATA = 'fangpin:handler';

export type TableAccess = 'read' | 'write' | 'readwrite' | 'append';

export interface FangpinFunctionProps {
  /** Entry relative to the project root, e.g. functions/steps/intake.ts. */
  readonly entry: string;
  /** 15 s for steps (default); API functions pass 29 s, API Gateway's own integration limit. */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
}

export class FangpinFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: FangpinFunctionProps) {
    super(scope, id);
    // An explicit log group: retention is ours, not "never expire" from the implicit one.
    const tracing = lambdaTracingAvailable(this);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      environment: { FANGPIN_SCHEMES_DIR: '/var/task/schemes', NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        externalModules: [...EXTERNAL_MODULES],
        // ESM builds first (the AWS SDK's dist-es, middy, zod): they tree-shake; the SDK's CommonJS builds do not
        // (measured: 746 KB instead of 519 KB for the claims API).
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require() for Node built-ins; ESM output has no require.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Schemes are data: copied beside the handler so adding a city needs no code change.
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/schemes"`,
            `cp "${inputDir}"/core/schemes/*.json "${outputDir}/schemes/"`,
          ],
        },
      },
    });
    (this.fn.node.defaultChild as CfnFunction).addMetadata(HANDLER_METADATA, props.entry);

    const role = this.fn.role ?? this.fn;
    acknowledgeNag(
      role,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The managed basic execution role only lets the function write its own logs; data access is granted per table and action.',
    );
    if (tracing)
      acknowledgeNag(
        role,
        'IAM5[Resource::*]',
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.',
      );
    acknowledgeNag(
      this,
      'L1',
      'NODEJS_22_X on purpose: the same code runs locally on Node 20/22 and is tested there; a runtime upgrade is a decision with its own tests, not automatic.',
    );
  }

  /** Bind a table: its name in the function's environment (spec.envVar), and exactly this access. */
  bind(id: TableId, table: ITable, access: TableAccess): this {
    const spec = tableSpec(id);
    this.fn.addEnvironment(spec.envVar, table.tableName);
    switch (access) {
      case 'read':
        table.grantReadData(this.fn);
        break;
      case 'write':
        table.grantWriteData(this.fn);
        break;
      case 'readwrite':
        table.grantReadWriteData(this.fn);
        break;
      case 'append':
        // Append-only audit: PutItem (with a condition on the sequence number), Query to find the chain head.
        // No UpdateItem/DeleteItem/BatchWriteItem: a function cannot rewrite history.
        table.grant(this.fn, 'dynamodb:PutItem', 'dynamodb:Query');
        break;
      default: {
        const never: never = access;
        throw new Error(`unknown table access ${String(never)}`);
      }
    }
    const cfn = table.node.defaultChild;
    if (spec.indexes.length > 0 && cfn instanceof CfnElement) {
      acknowledgeNag(
        this.fn.role ?? this.fn,
        `IAM5[Resource::<${Stack.of(this).getLogicalId(cfn)}.Arn>/index/*]`,
        `Table grants cover the ${id} table's own indexes (${spec.indexes.map((i) => i.indexName).join(', ')}), which the function queries; nothing else.`,
      );
    }
    return this;
  }
}
