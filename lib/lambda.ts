/**
 * One Lambda construct with the project's defaults, and table binding with exactly the access a function needs.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableSpec, type TableId } from '../functions/shared/tables.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface FangpinFunctionProps {
  /** Entry relative to the project root, e.g. functions/steps/intake.ts. Recorded as metadata for the embedded runtime. */
  readonly entry: string;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
}

export class FangpinFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: FangpinFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: Tracing.ACTIVE,
      logGroup,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      environment: { FANGPIN_SCHEMES_DIR: '/var/task/schemes', NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: cold starts do not depend on the runtime's copy.
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Schemes are data: copied beside the handler so adding a city needs no code change.
          afterBundling: (inputDir: string, outputDir: string) => [`mkdir -p "${outputDir}/schemes"`, `cp "${inputDir}"/core/schemes/*.json "${outputDir}/schemes/"`],
        },
      },
    });
    (this.fn.node.defaultChild as CfnFunction).addMetadata('fangpin:handler', props.entry);
  }

  /** Bind a table: its name in the function's environment, and exactly this access. */
  bind(id: TableId, table: ITable, access: 'read' | 'write' | 'readwrite' | 'append'): this {
    this.fn.addEnvironment(tableSpec(id).envVar, table.tableName);
    if (access === 'read') table.grantReadData(this.fn);
    else if (access === 'write') table.grantWriteData(this.fn);
    else if (access === 'readwrite') table.grantReadWriteData(this.fn);
    else table.grant(this.fn, 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DescribeTable');
    return this;
  }
}
