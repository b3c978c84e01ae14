/**
 * The web console on AWS: its built files (console/dist, built by the synth itself when missing or stale) in a
 * private S3 bucket behind CloudFront, with a `config.json` written beside them at deploy time that tells the
 * console the API's URL and the identity provider to sign in with.
 *
 * - The bucket blocks all public access and refuses plain HTTP; only the distribution reads it, through origin
 *   access control (OAC). AWS China's CloudFormation has no OAC resource type (cfn-lint's cn-northwest-1
 *   specification lacks `AWS::CloudFront::OriginAccessControl`), so there the origin uses an origin access
 *   identity, the mechanism China offers.
 * - Viewers are redirected to HTTPS; every answer carries a Content-Security-Policy, HSTS, X-Frame-Options DENY,
 *   nosniff and `Referrer-Policy: no-referrer` from a response headers policy.
 * - The console's own paths (/console/inbox, /console/claims/…, the sign-in callback) are not files: S3 answers
 *   403 for a key it does not have (CloudFront may not list the bucket), and the distribution answers those with
 *   /console/index.html and 200, the router taking it from there.
 * - The API's OpenAPI document and its reference page go with the console's files: console/openapi.json and
 *   console/docs/index.html (output ApiReferenceUrl), the same files the embedded server has at /openapi.json, /docs/.
 * - Access logs: CloudFront's standard logs and the bucket's server access logs go to a log bucket that allows
 *   ACLs (CloudFront standard logging writes through the bucket ACL), kept a year.
 *
 * AWS China: the default `*.cloudfront.cn` domain cannot serve content; an ICP-recorded alternate domain with a
 * certificate from the IAM certificate store is required (ACM cannot be attached to CloudFront there). Without
 * both, no distribution is created: the files and config.json are still deployed to the bucket and a warning says
 * how to serve them (docs/deploy.md, "Hosting the console").
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, AssetHashType, CfnOutput, DockerImage, Duration, FileSystem, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type CfnDistribution,
  type IOrigin,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_DIST, consoleCsp } from '../embedded/console-static.js';
import { API_DOCS_FILES, OPENAPI_FILE } from '../embedded/api-docs.js';
import { acknowledgeNag, nagEnv } from './nag.js';
import { isChinaRegion } from './partition.js';
import { PROJECT_ROOT } from './lambda.js';

/** Where the console lives under the domain: Vite builds it for /console/ (console/vite.config.ts). */
export const CONSOLE_BASE = '/console/';
/** The API's OpenAPI document and its reference page, published with the console (embedded: /openapi.json, /docs/). */
export const API_DOCUMENT_PATH = `${CONSOLE_BASE}openapi.json`;
export const API_REFERENCE_PATH = `${CONSOLE_BASE}docs/index.html`;
/** The sign-in callback route (console/src/oidc.ts): register `<console origin>/console/callback` at the IdP. */
export const CONSOLE_CALLBACK_PATH = `${CONSOLE_BASE}callback`;

/** What config.json tells the console (console/src/config.ts reads it). */
export interface ConsoleConfigJson {
  readonly apiBaseUrl: string;
  readonly oidcIssuer?: string;
  readonly oidcClientId?: string;
}

export interface ConsoleHostingProps {
  /** The HTTP API's URL (a token until deploy). */
  readonly apiUrl: string;
  /** The issuer the API's JWT authorizer trusts; the console signs in against it. */
  readonly jwtIssuer: string;
  /** The console's OIDC client id at that issuer (`fangpin:consoleClientId`); none: paste a token. */
  readonly clientId?: string;
  /** An alternate domain for the console (`fangpin:consoleDomain`); required in China. */
  readonly domain?: string;
  /** IAM server certificate id for the domain (`fangpin:consoleCertificateId`); the only kind China accepts. */
  readonly certificateId?: string;
  /** ACM certificate ARN in us-east-1 for the domain (`fangpin:consoleCertificateArn`); not in China. */
  readonly certificateArn?: string;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  /** Absent in China without an ICP-recorded domain and an IAM certificate. */
  readonly distribution?: Distribution;
  /** `https://<host>` the browser shows, or undefined when the stack knows none (China, no domain). */
  readonly origin?: string;
  readonly configJson: ConsoleConfigJson;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const china = isChinaRegion(this);
    const { domain, certificateId, certificateArn } = props;
    if (china && certificateArn) {
      throw new Error(
        'context fangpin:consoleCertificateArn: CloudFront in AWS China cannot use ACM certificates; upload the certificate to the IAM certificate store and pass its id as fangpin:consoleCertificateId',
      );
    }
    if (certificateId && certificateArn)
      throw new Error('pass either fangpin:consoleCertificateId (IAM) or fangpin:consoleCertificateArn (ACM), not both');
    if ((certificateId || certificateArn) && !domain) throw new Error('a console certificate needs the domain it is for: set fangpin:consoleDomain');
    if (domain && !china && !certificateId && !certificateArn) {
      throw new Error(
        `fangpin:consoleDomain ${domain} needs a certificate: fangpin:consoleCertificateArn (ACM, us-east-1) or fangpin:consoleCertificateId (IAM)`,
      );
    }
    if (domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
      throw new Error(`context fangpin:consoleDomain must be a host name such as console.example.cn, got ${domain}`);
    }

    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes through the bucket ACL, which BUCKET_OWNER_ENFORCED would disable.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.logBucket,
      'S1',
      'This is the access-log bucket itself: logging its own access would log into itself; CloudFront and the console bucket log here.',
    );

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-console/',
      // Retained like the tables: deleting the stack must not leave a half-removed console behind a live domain.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.configJson = {
      apiBaseUrl: props.apiUrl,
      ...(props.clientId ? { oidcIssuer: props.jwtIssuer, oidcClientId: props.clientId } : {}),
    };
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [consoleFiles(), apiDocsFiles(), Source.jsonData('config.json', this.configJson)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_BASE.slice(1),
      // Old hashed chunks stay: a tab opened before a deploy still loads the chunks its index.html names.
      prune: false,
      // Browsers revalidate everything; the hashed assets/ behaviour below overrides this with a year, immutable.
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 256,
      logGroup: new LogGroup(this, 'DeployLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    this.acknowledgeDeploymentFindings(deployment);

    const canServe = !china || (domain !== undefined && certificateId !== undefined);
    if (!canServe) {
      Annotations.of(this).addWarningV2(
        'fangpin:console-not-served',
        'AWS China: CloudFront cannot serve on *.cloudfront.cn; without an ICP-recorded fangpin:consoleDomain and an IAM ' +
          'fangpin:consoleCertificateId no distribution is created. The console files and config.json are in the bucket ' +
          '(output ConsoleBucketName): serve them from your own ICP-recorded CDN or web server at fangpin:consoleDomain, ' +
          'or use the embedded server (docs/deploy.md, "Hosting the console").',
      );
      this.origin = domain ? `https://${domain}` : undefined;
    } else {
      this.distribution = this.createDistribution(china, props);
      this.origin = `https://${domain ?? this.distribution.distributionDomainName}`;
      new CfnOutput(stack, 'ConsoleUrl', { value: `${this.origin}${CONSOLE_BASE}` });
      new CfnOutput(stack, 'ApiReferenceUrl', {
        value: `${this.origin}${API_REFERENCE_PATH}`,
        description: 'the API reference page; the OpenAPI document is openapi.json beside the console',
      });
      new CfnOutput(stack, 'ConsoleDistributionDomain', {
        value: this.distribution.distributionDomainName,
        description: 'point the console domain (CNAME) here',
      });
    }
    if (this.origin)
      new CfnOutput(stack, 'ConsoleRedirectUri', {
        value: `${this.origin}${CONSOLE_CALLBACK_PATH}`,
        description: 'register at the identity provider as the console client redirect URI',
      });
    new CfnOutput(stack, 'ConsoleBucketName', { value: this.bucket.bucketName });
    if (!props.clientId) {
      Annotations.of(this).addInfo(
        'fangpin:consoleClientId is not set: the console offers only the token paste box (config.json names no identity provider).',
      );
    }
  }

  private createDistribution(china: boolean, props: ConsoleHostingProps): Distribution {
    const stack = Stack.of(this);
    // connect-src: the API and the identity provider (discovery, token endpoint). The exact API origin is only
    // possible with a fixed console domain: on the distribution's generated domain the API's CORS names the
    // distribution, and the distribution's headers naming the API would close a dependency cycle. Then the
    // policy allows this region's execute-api hosts.
    const apiSrc = props.domain ? props.apiUrl : `https://*.execute-api.${stack.region}.${stack.urlSuffix}`;
    const connectSrc = ["'self'", apiSrc, new URL(props.jwtIssuer).origin];
    const securityHeadersBehavior = {
      contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(connectSrc), override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    };
    const pagesHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', { comment: 'fangpin console: security headers', securityHeadersBehavior });
    const assetHeaders = new ResponseHeadersPolicy(this, 'AssetHeaders', {
      comment: 'fangpin console: security headers, hashed assets immutable',
      securityHeadersBehavior,
      customHeadersBehavior: { customHeaders: [{ header: 'Cache-Control', value: 'public, max-age=31536000, immutable', override: true }] },
    });
    // Own cache policies rather than the managed ones: the managed policies' ids are not documented for AWS China.
    // Pages (index.html, config.json) are revalidated on every request (the objects say no-cache); Vite's assets/
    // names carry their content hash, so they are cached for a year whatever the object metadata says.
    const compress = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true };
    const pagesCache = new CachePolicy(this, 'PageCache', {
      comment: 'fangpin console pages',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      ...compress,
    });
    const assetsCache = new CachePolicy(this, 'AssetCache', {
      comment: 'fangpin console hashed assets',
      minTtl: Duration.days(365),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      ...compress,
    });

    const origin: IOrigin = china ? S3BucketOrigin.withOriginAccessIdentity(this.bucket) : S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behavior = (cachePolicy: CachePolicy, responseHeadersPolicy: ResponseHeadersPolicy): BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy,
      responseHeadersPolicy,
      compress: true,
    });
    const acm = props.certificateArn ? Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined;
    const spa = { responseHttpStatus: 200, responsePagePath: `${CONSOLE_BASE}index.html`, ttl: Duration.seconds(0) };
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'fangpin web console',
      defaultBehavior: behavior(pagesCache, pagesHeaders),
      additionalBehaviors: { [`${CONSOLE_BASE.slice(1)}assets/*`]: behavior(assetsCache, assetHeaders) },
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, ...spa })),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(acm && props.domain ? { domainNames: [props.domain], certificate: acm, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 } : {}),
    });
    const cfn = distribution.node.defaultChild as CfnDistribution;
    if (props.certificateId && props.domain) {
      // The L2 construct only takes ACM certificates; an IAM server certificate goes in by id.
      cfn.addPropertyOverride('DistributionConfig.Aliases', [props.domain]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: props.certificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    this.acknowledgeDistributionFindings(distribution, props, china);
    return distribution;
  }

  private acknowledgeDistributionFindings(distribution: Distribution, props: ConsoleHostingProps, china: boolean): void {
    acknowledgeNag(
      distribution,
      'CFR1',
      "The console is for the scheme's staff wherever they are; who may do what is decided by the identity provider and the API's JWT authorizer, not by country.",
    );
    acknowledgeNag(
      distribution,
      'CFR2',
      'Static files only (no server-side code behind the distribution); the API it calls has its own throttling and a JWT authorizer. Attach a web ACL with the context of your account if policy requires one.',
    );
    if (!props.domain) {
      acknowledgeNag(
        distribution,
        'CFR4',
        "Without fangpin:consoleDomain the distribution serves on its *.cloudfront.net name with CloudFront's default certificate, whose TLS policy cannot be chosen; set a domain and certificate to pin TLSv1.2_2021.",
      );
    } else if (props.certificateId) {
      acknowledgeNag(
        distribution,
        'CFR4',
        'The IAM server certificate is set by a property override with MinimumProtocolVersion TLSv1.2_2021 (asserted by test/cdk/console-hosting.test.ts); the rule reads only the construct property, which the override replaces.',
      );
    }
    if (china) {
      acknowledgeNag(
        distribution,
        'CFR7',
        "AWS China's CloudFormation offers no AWS::CloudFront::OriginAccessControl (cfn-lint cn-northwest-1 specification); an origin access identity is the private-bucket mechanism there.",
      );
    }
  }

  /**
   * BucketDeployment copies the files with a Lambda (the CDK's singleton handler, one per stack) under its own
   * role. Its findings are acknowledged on that handler's role and function, never wider.
   */
  private acknowledgeDeploymentFindings(deployment: BucketDeployment): void {
    const role = deployment.handlerRole;
    // The role belongs to the handler function (its `ServiceRole` child).
    const handler = role.node.scope ?? role;
    acknowledgeNag(
      role,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The CDK bucket-deployment handler uses the basic execution role only to write its own logs; its S3 access is granted separately, to two buckets.',
    );
    acknowledgeNag(
      handler,
      'L1',
      "The bucket-deployment handler's runtime (Python with the AWS CLI layer) is chosen by aws-cdk-lib's BucketDeployment and moves with aws-cdk-lib upgrades, not set here.",
    );
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*']) {
      acknowledgeNag(
        role,
        `IAM5[Action::${action}]`,
        "BucketDeployment's read grant on the CDK asset bucket (to fetch the console's zip) and its grant on the console bucket; the wildcards are S3 read actions only.",
      );
    }
    for (const action of ['s3:DeleteObject*', 's3:Abort*']) {
      acknowledgeNag(
        role,
        `IAM5[Action::${action}]`,
        "BucketDeployment's write grant on the console bucket alone: it replaces the console's files there (multipart uploads may be aborted).",
      );
    }
    acknowledgeNag(
      role,
      `IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
      'Every key of the console bucket: the deployment writes the whole console (index.html, assets/, config.json, the API reference) and nothing else lives there.',
    );
    // The bootstrap asset bucket: the synthesizer names it with the pseudo parameters, which cdk-nag prints as
    // placeholders, or with the concrete environment when the stack has one; both forms, one is used.
    const { region, account } = nagEnv(this);
    const assetBuckets = new Set([`cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>`, `cdk-hnb659fds-assets-${account}-${region}`]);
    for (const name of assetBuckets) {
      acknowledgeNag(
        role,
        `IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/*]`,
        "Objects of the CDK bootstrap asset bucket, read-only: the console's zip is one of them, and its key is only known after synth.",
      );
    }
  }
}

/**
 * The built console, as a CDK asset bundled "locally": when the synth bundles this stack (`npx cdk synth`,
 * `cdk deploy`) it builds console/dist if missing or stale through embedded/console-build.ts (type-check and Vite,
 * with the same lock `npm start` uses), then copies it without config.json, which the deployment writes. When
 * bundling is skipped (the in-process test synths, the embedded runtime) nothing is built. The asset hash is the
 * output's, so an unchanged build is not uploaded again.
 */
function consoleFiles() {
  return Source.asset(join(PROJECT_ROOT, 'console'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used (local bundling always succeeds or throws); required by the type.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          const cli = join(PROJECT_ROOT, 'embedded', 'console-build-cli.ts');
          // Progress lines to stderr: the CDK app's stdout is not for humans.
          const run = spawnSync(process.execPath, ['--import', 'tsx', cli, '--if-stale'], { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] });
          if (run.error || run.status !== 0) {
            throw new Error(`building the web console failed (${run.error?.message ?? `exit ${run.status}`}); \`npm run console:build\` shows why`);
          }
          if (!existsSync(join(CONSOLE_DIST, 'index.html'))) throw new Error(`the console build left no ${join(CONSOLE_DIST, 'index.html')}`);
          const config = join(CONSOLE_DIST, 'config.json');
          cpSync(CONSOLE_DIST, outputDir, { recursive: true, filter: (src) => src !== config });
          return true;
        },
      },
    },
  });
}

/**
 * The OpenAPI document (docs/openapi.json, checked up to date by the tests) and the reference page that renders
 * it (embedded/api-docs.ts lists its files), laid out as the console deployment writes them: openapi.json and
 * docs/ under console/. The page asks for `../openapi.json`, so it works the same here and embedded. The files
 * are copied into a scratch folder that becomes an asset (as Source.data does), then the folder goes.
 */
function apiDocsFiles(): ISource {
  return {
    bind(scope, context) {
      const workdir = FileSystem.mkdtemp('fangpin-api-docs');
      try {
        cpSync(OPENAPI_FILE, join(workdir, 'openapi.json'));
        mkdirSync(join(workdir, 'docs'));
        for (const [name, file] of Object.entries(API_DOCS_FILES)) cpSync(file, join(workdir, 'docs', name));
        return Source.asset(workdir).bind(scope, context);
      } finally {
        FileSystem.rmrf(workdir);
      }
    },
  };
}
