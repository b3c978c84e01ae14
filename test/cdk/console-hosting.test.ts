/**
 * The web console's hosting on AWS (lib/console-hosting.ts), by CDK assertions on in-process synths with bundling
 * skipped (the console is not built here; test/cdk/synth-cli-*.test.ts synthesize with the real build):
 * a standard region on the distribution's own domain, the same with a custom domain, AWS China without and with an
 * ICP domain and IAM certificate (that one also under cdk-nag and cfn-lint for cn-northwest-1, which no other test
 * synthesizes).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../lib/app.js';
import { NAG_PLUGIN } from '../../lib/nag.js';
import { readValidationReport, unacknowledged } from '../support/validation-report.js';
import { API_DOCS_FILES, OPENAPI_FILE } from '../../embedded/api-docs.js';

const ISSUER = 'https://idp.example.cn/realms/fangpin/';
const scratch = mkdtempSync(join(tmpdir(), 'fangpin-console-hosting-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Res = { Type: string; Properties: Record<string, unknown> };
interface Synth {
  readonly template: Template;
  readonly json: { Resources: Record<string, Res> };
  readonly outdir: string;
  readonly annotations: Annotations;
  readonly error?: unknown;
}

/** One synth of the app with these context values, in this environment (process.env as the CDK CLI sets it). */
function synth(context: Record<string, string>, env: { region?: string; account?: string } = {}, nag = false): Synth {
  const saved = { CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION, CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT };
  const set = (k: keyof typeof saved, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
  set('CDK_DEFAULT_REGION', env.region);
  set('CDK_DEFAULT_ACCOUNT', env.account);
  const outdir = mkdtempSync(join(scratch, 'out-'));
  try {
    const { app, stack } = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [], 'fangpin:jwtIssuer': ISSUER, ...context } });
    if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let error: unknown;
    try {
      app.synth();
    } catch (err) {
      error = err;
    }
    const json = JSON.parse(readFileSync(join(outdir, 'Fangpin.template.json'), 'utf8')) as Synth['json'];
    return { template: Template.fromJSON(json), json, outdir, annotations: Annotations.fromStack(stack), error };
  } finally {
    set('CDK_DEFAULT_REGION', saved.CDK_DEFAULT_REGION);
    set('CDK_DEFAULT_ACCOUNT', saved.CDK_DEFAULT_ACCOUNT);
  }
}

const ofType = (s: Synth, type: string) => Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
const logicalId = (s: Synth, type: string, prefix: string) => ofType(s, type).find(([id]) => id.startsWith(prefix))?.[0] ?? `no ${type} ${prefix}`;
const distributionConfig = (s: Synth) =>
  (ofType(s, 'AWS::CloudFront::Distribution')[0]?.[1].Properties.DistributionConfig ?? {}) as Record<string, unknown>;

/** config.json as the deployment writes it: the jsonData asset with its deploy-time markers put back. */
function configJson(s: Synth): Record<string, unknown> {
  const [, deploy] = ofType(s, 'Custom::CDKBucketDeployment')[0] ?? [];
  const props = deploy?.Properties as { SourceObjectKeys: string[]; SourceMarkers: Array<Record<string, unknown>> };
  const index = props.SourceObjectKeys.findIndex((_, i) => Object.keys(props.SourceMarkers[i] ?? {}).length > 0);
  const hash = props.SourceObjectKeys[index]?.replace(/\.zip$/, '') ?? '';
  const dir = join(s.outdir, `asset.${hash}`);
  expect(readdirSync(dir)).toEqual(['config.json']);
  let text = readFileSync(join(dir, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(props.SourceMarkers[index] ?? {}))
    text = text.replace(marker, `TOKEN${JSON.stringify(value).replace(/"/g, "'")}`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe("standard region, on the distribution's own domain", () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ 'fangpin:consoleClientId': 'fangpin-console' });
  });

  it('keeps the files in a private bucket: all public access blocked, TLS enforced, encrypted, access logged', () => {
    const files = logicalId(s, 'AWS::S3::Bucket', 'ConsoleFiles');
    const logs = logicalId(s, 'AWS::S3::Bucket', 'ConsoleLogs');
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 's3-console/' },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: files },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    // Nothing but the distribution may read it: the only Allow in its policy is CloudFront's, for this distribution.
    const [, policy] =
      ofType(s, 'AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: files })) ?? [];
    const allows = (
      policy!.Properties.PolicyDocument as { Statement: Array<{ Effect: string; Principal: unknown; Action: unknown; Condition?: unknown }> }
    ).Statement.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0]?.Action).toBe('s3:GetObject');
    expect(JSON.stringify(allows[0]?.Condition)).toContain('AWS:SourceArn');
  });

  it('logs CloudFront into a log bucket that allows the ACLs standard logging needs', () => {
    const logs = logicalId(s, 'AWS::S3::Bucket', 'ConsoleLogs');
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(distributionConfig(s).Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logs, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
  });

  it('reads the bucket through origin access control (OAC), not an identity', () => {
    const oac = logicalId(s, 'AWS::CloudFront::OriginAccessControl', 'Console');
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const origins = distributionConfig(s).Origins as Array<Record<string, unknown>>;
    expect(origins).toHaveLength(1);
    expect(origins[0]?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    expect(origins[0]?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(ofType(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('redirects HTTP to HTTPS on every behaviour; hashed assets cached a year, pages revalidated', () => {
    const dc = distributionConfig(s);
    const behaviours = [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors as unknown[])] as Array<Record<string, unknown>>;
    expect(behaviours).toHaveLength(2);
    for (const b of behaviours) expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect((dc.CacheBehaviors as Array<{ PathPattern: string }>)[0]?.PathPattern).toBe('console/assets/*');
    s.template.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: Match.objectLike({ MinTTL: 365 * 86400 }) });
    s.template.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: Match.objectLike({ MinTTL: 0, DefaultTTL: 0 }) });
    s.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CustomHeadersConfig: { Items: [{ Header: 'Cache-Control', Value: 'public, max-age=31536000, immutable', Override: true }] },
      }),
    });
  });

  it('sends CSP, HSTS, frame denial, nosniff and no-referrer on every response', () => {
    const policies = ofType(s, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policies).toHaveLength(2);
    const dc = distributionConfig(s);
    const used = [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors as unknown[])].map((b) =>
      JSON.stringify((b as Record<string, unknown>).ResponseHeadersPolicyId),
    );
    expect(used.sort()).toEqual(policies.map(([id]) => JSON.stringify({ Ref: id })).sort());
    for (const [, p] of policies) {
      const sec = (p.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> })
        .SecurityHeadersConfig;
      expect(sec.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true, Override: true });
      expect(sec.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(sec.ContentTypeOptions).toEqual({ Override: true });
      expect(sec.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
      const csp = JSON.stringify(sec.ContentSecurityPolicy?.ContentSecurityPolicy);
      for (const d of ["script-src 'self';", "style-src 'self' 'unsafe-inline';", "frame-ancestors 'none'", "object-src 'none'"])
        expect(csp).toContain(d);
      // connect-src: the API (this region's execute-api hosts; see the custom-domain case for the exact origin) and the IdP.
      expect(csp).toContain("connect-src 'self' https://*.execute-api.");
      expect(csp).toContain('" https://idp.example.cn; object-src');
    }
  });

  it("answers the console's own paths with index.html (SPA fallback) for S3's 403 and 404", () => {
    expect(distributionConfig(s).CustomErrorResponses).toEqual(
      [403, 404].map((ErrorCode) => ({ ErrorCode, ResponseCode: 200, ResponsePagePath: '/console/index.html', ErrorCachingMinTTL: 0 })),
    );
  });

  it('deploys the built files and a config.json naming the API URL, the issuer and the client id under console/', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalId(s, 'AWS::S3::Bucket', 'ConsoleFiles') },
      DestinationBucketKeyPrefix: 'console/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    const api = logicalId(s, 'AWS::ApiGatewayV2::Api', 'HttpApi');
    expect(configJson(s)).toEqual({
      apiBaseUrl: `TOKEN{'Fn::GetAtt':['${api}','ApiEndpoint']}`,
      oidcIssuer: ISSUER,
      oidcClientId: 'fangpin-console',
    });
  });

  it('publishes the OpenAPI document and its reference page beside the console (console/openapi.json, console/docs/)', () => {
    const [, deploy] = ofType(s, 'Custom::CDKBucketDeployment')[0] ?? [];
    const keys = (deploy!.Properties as { SourceObjectKeys: string[] }).SourceObjectKeys;
    const dirs = keys.map((k) => join(s.outdir, `asset.${k.replace(/\.zip$/, '')}`)).filter((d) => existsSync(join(d, 'openapi.json')));
    expect(dirs).toHaveLength(1);
    const dir = dirs[0] ?? '';
    expect(readFileSync(join(dir, 'openapi.json'), 'utf8')).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(readdirSync(join(dir, 'docs')).sort()).toEqual(Object.keys(API_DOCS_FILES).sort());
    expect(readFileSync(join(dir, 'docs', 'init.js'), 'utf8')).toContain("'../openapi.json'");
    s.template.hasOutput('ApiReferenceUrl', {
      Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/console/docs/index.html'])]) }),
    });
  });

  it("lets browsers call the API from the console's origin only", () => {
    const dist = logicalId(s, 'AWS::CloudFront::Distribution', 'Console');
    const [, api] = ofType(s, 'AWS::ApiGatewayV2::Api')[0] ?? [];
    const cors = api?.Properties.CorsConfiguration as Record<string, unknown>;
    expect(cors.AllowOrigins).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dist, 'DomainName'] }]] }]);
    expect(cors.AllowMethods).toEqual(['GET', 'POST']);
    expect(cors.AllowHeaders).toContain('authorization');
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it('outputs the console URL and the redirect URI to register at the identity provider', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.ConsoleUrl?.Value)).toContain('/console/');
    expect(JSON.stringify(outputs.ConsoleRedirectUri?.Value)).toContain('/console/callback');
  });
});

describe('standard region, without fangpin:consoleClientId', () => {
  it('writes a config.json with the API URL only (the console offers the token paste box)', () => {
    const s = synth({});
    expect(Object.keys(configJson(s))).toEqual(['apiBaseUrl']);
  });
});

describe('standard region with fangpin:consoleDomain and an ACM certificate', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(
      { 'fangpin:consoleDomain': 'Console.Example.org', 'fangpin:consoleCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/0d0c' },
      { region: 'us-east-1' },
    );
  });

  it('serves the domain with the certificate and TLS 1.2 at least; CORS and connect-src name exact origins', () => {
    const dc = distributionConfig(s);
    expect(dc.Aliases).toEqual(['console.example.org']);
    expect(dc.ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0d0c',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    const [apiId, api] = ofType(s, 'AWS::ApiGatewayV2::Api')[0] ?? [];
    expect((api!.Properties.CorsConfiguration as { AllowOrigins: unknown }).AllowOrigins).toEqual(['https://console.example.org']);
    // No cycle with a fixed domain: the headers name this API's own endpoint.
    for (const [, p] of ofType(s, 'AWS::CloudFront::ResponseHeadersPolicy')) {
      const csp = JSON.stringify(p.Properties.ResponseHeadersPolicyConfig);
      expect(csp).toContain(`{"Fn::GetAtt":["${apiId}","ApiEndpoint"]}`);
      expect(csp).not.toContain('*.execute-api');
    }
  });

  it('refuses a domain without a certificate, and a certificate without a domain', () => {
    expect(() => synth({ 'fangpin:consoleDomain': 'console.example.org' }, { region: 'us-east-1' })).toThrow(/needs a certificate/);
    expect(() => synth({ 'fangpin:consoleCertificateId': 'ASCA1' }, { region: 'us-east-1' })).toThrow(/needs the domain/);
  });
});

const CHINA = { region: 'cn-northwest-1', account: '123456789012' };

describe('AWS China without an ICP domain and IAM certificate', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ 'fangpin:consoleClientId': 'fangpin-console' }, CHINA);
  });

  it('creates no distribution and warns how to serve the console', () => {
    expect(ofType(s, 'AWS::CloudFront::Distribution')).toEqual([]);
    s.annotations.hasWarning(
      '/Fangpin/Console',
      Match.stringLikeRegexp('cloudfront\\.cn.*fangpin:consoleDomain.*fangpin:consoleCertificateId.*docs/deploy\\.md'),
    );
  });

  it('still deploys the files and config.json to the private bucket, and allows no browser origin on the API', () => {
    expect(ofType(s, 'Custom::CDKBucketDeployment')).toHaveLength(1);
    expect(configJson(s)).toMatchObject({ oidcIssuer: ISSUER, oidcClientId: 'fangpin-console' });
    const [, api] = ofType(s, 'AWS::ApiGatewayV2::Api')[0] ?? [];
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
    expect(JSON.stringify(s.json)).not.toContain('arn:aws:');
  });

  it('refuses an ACM certificate (CloudFront in China takes IAM certificates only)', () => {
    expect(() =>
      synth(
        { 'fangpin:consoleDomain': 'console.example.cn', 'fangpin:consoleCertificateArn': 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/1' },
        CHINA,
      ),
    ).toThrow(/IAM certificate store/);
  });
});

describe('AWS China with an ICP domain and an IAM server certificate', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(
      {
        'fangpin:consoleDomain': 'console.example.cn',
        'fangpin:consoleCertificateId': 'ASCAEXAMPLEIAMCERT01',
        'fangpin:consoleClientId': 'fangpin-console',
      },
      CHINA,
      true,
    );
  });

  it('serves the alternate domain with the IAM certificate (SNI, TLS 1.2 at least), over an origin access identity', () => {
    const dc = distributionConfig(s);
    expect(dc.Aliases).toEqual(['console.example.cn']);
    expect(dc.ViewerCertificate).toEqual({
      IamCertificateId: 'ASCAEXAMPLEIAMCERT01',
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    // China's CloudFormation has no OriginAccessControl type: the identity is the private-bucket mechanism there.
    expect(ofType(s, 'AWS::CloudFront::OriginAccessControl')).toEqual([]);
    const oai = logicalId(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity', 'Console');
    expect(JSON.stringify((dc.Origins as unknown[])[0])).toContain(oai);
    const [, api] = ofType(s, 'AWS::ApiGatewayV2::Api')[0] ?? [];
    expect((api!.Properties.CorsConfiguration as { AllowOrigins: unknown }).AllowOrigins).toEqual(['https://console.example.cn']);
  });

  it('passes cdk-nag AwsSolutions (every acknowledgement with a reason) with no literal arn:aws:', () => {
    expect(s.error instanceof Error ? s.error.message : s.error).toBeUndefined();
    const report = readValidationReport(s.outdir);
    expect(unacknowledged(report)).toEqual([]);
    const nag = report?.pluginReports.find((p) => p.pluginName === NAG_PLUGIN);
    expect(nag?.conclusion).toBe('success');
    for (const a of nag?.suppressedViolations ?? []) expect(a.reason?.trim().length ?? 0, a.ruleName).toBeGreaterThan(20);
    expect(JSON.stringify(s.json)).not.toContain('arn:aws:');
  });

  it('has no cfn-lint error for cn-northwest-1', async () => {
    const file = join(s.outdir, 'china-console.template.json');
    writeFileSync(file, JSON.stringify(s.json));
    let stdout = '';
    try {
      ({ stdout } = await promisify(execFile)('cfn-lint', ['--format', 'json', '--regions', 'cn-northwest-1', '--', file], {
        maxBuffer: 64 * 1024 * 1024,
      }));
    } catch (err) {
      // Exit code is a bit mask (2 errors, 4 warnings): the findings are in stdout.
      stdout = String((err as { stdout?: unknown }).stdout ?? '');
      if (!stdout.trim()) throw err;
    }
    const errors = (JSON.parse(stdout) as Array<{ Level: string; Rule: { Id: string }; Message: string }>).filter((f) => f.Level === 'Error');
    expect(errors.map((e) => `${e.Rule.Id} ${e.Message}`)).toEqual([]);
  }, 120_000);
});
