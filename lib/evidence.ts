/**
 * The evidence bucket (claims' attachments): private, encrypted with a customer-managed KMS key (rotated yearly),
 * TLS only, all public access blocked, versioned, server access logs to a bucket of its own. Files reach it only
 * by the presigned PUTs the evidence API signs (functions/api/evidence.ts), which bind type, length and SHA-256;
 * every object created under `claims/` invokes the arrival check (functions/events/attachment-arrived.ts), which
 * verifies the SHA-256 and deletes a refused file's version.
 *
 * Grants, each the least its function needs: the API may put and get objects under `claims/` (presigning signs
 * with its role, so the URL can do no more than the role) and use the key to encrypt and decrypt; the arrival
 * check may get and delete objects (and versions) under `claims/` and decrypt. Nobody may list the bucket.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { acknowledgeNag } from './nag.js';

/** Object keys of attachments (functions/shared/evidence-bucket.ts `attachmentKey`). */
export const EVIDENCE_PREFIX = 'claims/';

export interface EvidenceProps {
  /** The evidence API's function: presigns uploads and downloads. */
  readonly api: LambdaFunction;
  /** The arrival check, invoked by the bucket's ObjectCreated notification. */
  readonly arrival: LambdaFunction;
}

export class Evidence extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'fangpin: evidence files attached to claims',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access logs can be delivered only to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      // Without the bucket-policy delivery feature flag the CDK grants log delivery by ACL, which needs ACLs on.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365 * 3) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(logs, 'S1', "This is the evidence bucket's access-log bucket itself: logging its own access would log into itself.");
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3-evidence/',
      // Evidence of paid public money: kept like the tables when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const objects = this.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`);

    props.api.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    props.api.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [objects] }));
    props.api.addToRolePolicy(new PolicyStatement({ actions: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }));

    props.arrival.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    props.arrival.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:DeleteObject', 's3:DeleteObjectVersion'], resources: [objects] }),
    );
    props.arrival.addToRolePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.key.keyArn] }));
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(props.arrival), { prefix: EVIDENCE_PREFIX });
    // aws-cdk-lib configures bucket notifications with a singleton handler of its own (one per stack).
    const notifications = Stack.of(this).node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    const notificationsRole = notifications?.node.tryFindChild('Role');
    if (notificationsRole) {
      acknowledgeNag(
        notificationsRole,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "aws-cdk-lib's bucket-notifications handler writes only its own logs with the basic execution role; its one other permission sets this stack's bucket notifications.",
      );
    }

    const files = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
    for (const fn of [props.api, props.arrival]) {
      acknowledgeNag(
        fn.role ?? fn,
        `IAM5[Resource::<${files}.Arn>/${EVIDENCE_PREFIX}*]`,
        'Attachments are keyed claims/<claimId>/<attachmentId>, ids known only per request: the wildcard is every attachment object in this one bucket, no listing.',
      );
    }
  }
}
