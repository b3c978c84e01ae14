/**
 * The DynamoDB tables, described once as data. The CDK app (lib/) builds them from this list and the
 * embedded runtime creates the same tables in DynamoDB Local from it, so the two never drift.
 * Every key attribute is a string unless `type` says 'N'.
 */
export interface KeyAttr {
  readonly name: string;
  readonly type: 'S' | 'N';
}
export interface IndexSpec {
  readonly indexName: string;
  readonly partitionKey: KeyAttr;
  readonly sortKey?: KeyAttr;
  /** Non-key attributes the index carries (INCLUDE projection); absent means ALL. */
  readonly include?: readonly string[];
}
export interface TableSpec {
  /** Logical name; also the suffix of the environment variable that carries the physical name. */
  readonly id: TableId;
  /** Environment variable a Lambda reads to find the table's physical name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttr;
  readonly sortKey?: KeyAttr;
  readonly indexes: readonly IndexSpec[];
  /** Attribute used by DynamoDB TTL, if any. */
  readonly ttlAttribute?: string;
}

export type TableId =
  | 'claims'
  | 'claimKeys'
  | 'registry'
  | 'identityLookup'
  | 'accumulators'
  | 'settlements'
  | 'idempotency'
  | 'audit'
  | 'webhooks'
  | 'indexEvents'
  | 'medicalFeeds'
  | 'reports'
  | 'auditSamples'
  | 'monitoring'
  | 'evidence';

export const TABLES: readonly TableSpec[] = [
  {
    // One item per claim: submission, status, decision, allocations, review task token.
    id: 'claims',
    envVar: 'CLAIMS_TABLE',
    partitionKey: { name: 'claimId', type: 'S' },
    // The indexes the workflow moves claims through (status, the review queue, approvals). The search's access
    // paths by household, scheme, county, product and index event are on table claimKeys (below), written once per
    // claim: every index here costs the store at each of the ten or so reads and writes of a claim.
    indexes: [
      // Also the reviewer inbox sorted by age: status = PENDING_REVIEW, oldest (longest waiting) first.
      { indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // The reviewer inbox sorted by amount. A GSI sorts on one key, so amount needs an index of its own: the
      // partition is the status (the queue is the PENDING_REVIEW partition), the sort key `reviewPayout` (N, fen)
      // is written only by the assessment that sends a claim to review, in the same update that sets the status.
      // Sparse: claims that never went to review (most of them: index-event claims, small bills) are not in it,
      // so they cost no index writes. A claim that leaves review keeps the attribute and moves to its new status
      // partition, which the inbox never reads. A number sort key needs no zero padding; equal amounts are kept
      // apart by the table key in LastEvaluatedKey. Scheme, county, product and reason are filters (see
      // functions/api/claims.ts `list` for why they are not in the key).
      { indexName: 'reviewQueueByPayout', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'reviewPayout', type: 'N' } },
      // Claims approved for payment, by scheme and the instant they were approved (the payout step writes both keys
      // when it moves the claim to SETTLING; never written as NULL). Sparse: rejected, closed and undecided claims
      // are not in it. The public notice (公示) reads a period of it, the county as a filter; the after-payment audit
      // sample reads a period of it and keeps the PAID ones (functions/api/public-notice.ts, audit-samples.ts).
      { indexName: 'approvedByScheme', partitionKey: { name: 'approvedScheme', type: 'S' }, sortKey: { name: 'approvedAt', type: 'S' } },
    ],
  },
  {
    // A claim's search keys, one item per claim, written with the claim when it is filed (claim-keys-repo.ts): the
    // household, scheme, county, product, index event and creation time, none of which a claim changes once filed
    // (the county is set later only when the registry had none at filing). GET /claims and an index event's claims
    // read ids here and the claims by BatchGetItem (functions/api/claims.ts `list`, index-events-repo.ts). Their own table, not indexes of the claims table, because
    // DynamoDB Local's cost per item read or written grows with the indexes and description of its table, and a
    // claim is read and written about ten times while these keys are written once (docs/performance.md). Each
    // partition key never changes once written, so a claim cannot be listed twice or skipped while someone pages.
    id: 'claimKeys',
    envVar: 'CLAIM_KEYS_TABLE',
    partitionKey: { name: 'claimId', type: 'S' },
    indexes: [
      { indexName: 'byHousehold', partitionKey: { name: 'householdId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // `schemeCounty` = `<schemeId>#<county>`: sparse while the claim has no county.
      { indexName: 'bySchemeCounty', partitionKey: { name: 'schemeCounty', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      { indexName: 'byScheme', partitionKey: { name: 'schemeId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      { indexName: 'byProduct', partitionKey: { name: 'product', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // Sparse: only claims an index event filed, in household order (GET /index-events/{id} lists them).
      { indexName: 'byIndexEvent', partitionKey: { name: 'indexEventId', type: 'S' }, sortKey: { name: 'householdId', type: 'S' } },
    ],
  },
  {
    // The household registry (建档立卡). Identity numbers only as keyed hash + masked form.
    id: 'registry',
    envVar: 'REGISTRY_TABLE',
    partitionKey: { name: 'householdId', type: 'S' },
    // An index event fans out over the households of one scheme and county; the shard (0..15, from a hash of
    // the household id) lets a Map state read a county in parallel slices and keeps GSI partitions small.
    indexes: [
      { indexName: 'byFanoutShard', partitionKey: { name: 'fanoutShard', type: 'S' }, sortKey: { name: 'householdId', type: 'S' } },
      // The registry page by page (GET /households) and the monitoring job's slices: `schemeShard` =
      // `<schemeId>#<0..15>` (the same hash as fanoutShard), so a scheme is 16 partitions, none of them hot on import.
      { indexName: 'bySchemeShard', partitionKey: { name: 'schemeShard', type: 'S' }, sortKey: { name: 'householdId', type: 'S' } },
      // Sparse: `warnedScheme` (the schemeId) is set while the household has an open monitoring warning and removed
      // with its last one, so GET /monitoring/warnings reads the warned households only.
      { indexName: 'byOpenWarning', partitionKey: { name: 'warnedScheme', type: 'S' }, sortKey: { name: 'householdId', type: 'S' } },
    ],
  },
  {
    // The registry's identity lookup, so the medical bureau's feed finds a person by identity number: one item per
    // scheme and keyed hash of a number (never the number itself), `lookup` = `<schemeId>#<idHash>`, naming the
    // household members with that number as attributes `m:["<householdId>","<personId>"]` (one, unless the registry
    // lists a person twice). Keyed so that a lookup is a key read: a feed batch matches its 100 rows in one
    // BatchGetItem, where an index on the hash needed a query per row. Written by the registry import
    // (registry-repo.ts). A reader checks every hit against the household item, which stays the truth: a member
    // left behind by a removal since (or a crash between the two writes) is ignored, never matched.
    id: 'identityLookup',
    envVar: 'IDENTITY_LOOKUP_TABLE',
    partitionKey: { name: 'lookup', type: 'S' },
    indexes: [],
  },
  {
    // Year-to-date accumulators per person/household, product and policy year, and consumed invoices.
    // pk examples: ACC#P#<schemeId>#<personId>#MEDICAL#2024, ACC#H#<schemeId>#<householdId>#INDUSTRY#2024, INVOICE#<hospital>#<invoiceNo>
    id: 'accumulators',
    envVar: 'ACCUMULATORS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [],
  },
  {
    // The report's running totals (functions/shared/report-aggregates.ts): `REPORT#<schemeId>#<year>#<shard>`, one
    // attribute per counter. A table of its own so that a step which moves claims but must not touch the caps
    // (eligibility) can add to the totals without write access to the accumulators.
    id: 'reports',
    envVar: 'REPORTS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [],
  },
  {
    // Monitoring (core/monitoring.ts): per household, one attribute `e#<claimId>` per claim the signals count (a
    // MEDICAL claim's self-pay, a triggered INDUSTRY claim), set or removed in the transaction that moves the
    // claim, and `ver` (+1 on each change). Also `JOB#<jobId>`: a monitoring run's progress.
    id: 'monitoring',
    envVar: 'MONITORING_TABLE',
    partitionKey: { name: 'householdId', type: 'S' },
    indexes: [],
  },
  {
    // One settlement per (claim, insurer, payee).
    id: 'settlements',
    envVar: 'SETTLEMENTS_TABLE',
    partitionKey: { name: 'settlementId', type: 'S' },
    indexes: [
      { indexName: 'byClaim', partitionKey: { name: 'claimId', type: 'S' } },
      { indexName: 'byInsurer', partitionKey: { name: 'insurerId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // GET /settlements for auditors and admins: by status, or (no status) by scheme, each oldest first.
      { indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      { indexName: 'byScheme', partitionKey: { name: 'schemeId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // An insurer's settlements of one status (`<insurerId>#<status>`, moved by the confirmation).
      { indexName: 'byInsurerStatus', partitionKey: { name: 'insurerStatus', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    ],
  },
  {
    // Idempotency records for POST requests (Idempotency-Key) and step executions.
    id: 'idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [],
    ttlAttribute: 'expiration',
  },
  {
    // Append-only, hash-chained audit records: one per step and human action.
    id: 'audit',
    envVar: 'AUDIT_TABLE',
    partitionKey: { name: 'claimId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    indexes: [],
  },
  {
    // Webhook endpoints and delivery attempts (seam for the webhook issue).
    id: 'webhooks',
    envVar: 'WEBHOOKS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: [],
  },
  {
    // Index events (price or weather observations): the observation, its fan-out status and counts.
    id: 'indexEvents',
    envVar: 'INDEX_EVENTS_TABLE',
    partitionKey: { name: 'eventId', type: 'S' },
    indexes: [],
  },
  {
    // The medical bureau's feeds (docs/medical-feed.md): item 'FEED' is the file (digest, scheme, sender, status),
    // item 'ROW#<line, 9 digits>' the outcome of one row. Totals are summed from the rows and their claims when
    // read, never kept in a counter a retried batch could bump twice.
    id: 'medicalFeeds',
    envVar: 'MEDICAL_FEEDS_TABLE',
    partitionKey: { name: 'feedId', type: 'S' },
    sortKey: { name: 'item', type: 'S' },
    // GET /medical-feeds, newest first. Sparse: `listScheme` (the schemeId) is written on the FEED item only, never
    // on its (many) row items, so the index holds one small item per file. Feeds stored before it existed lack it
    // until `npm run reports -- rebuild` writes it (list-keys-backfill.ts).
    indexes: [{ indexName: 'byScheme', partitionKey: { name: 'listScheme', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } }],
  },
  {
    // After-payment audit samples (functions/shared/audit-samples-repo.ts): pk `SAMPLE#<id>` holds the sample
    // (sk `SAMPLE`: parameters, counts) and one item per sampled claim (sk `CLAIM#<claimId>`: why, the finding);
    // pk `OBJECTED#<schemeId>` holds one marker per paid claim objected to (sk the claim id), which the scheme's next
    // sample takes in and removes.
    id: 'auditSamples',
    envVar: 'AUDIT_SAMPLES_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    // GET /audit-samples, newest first. Sparse: `listScheme` (the schemeId) is written on the SAMPLE item only. It
    // carries what a list row shows, not the sample's claim list (up to 4,000 claims: most of the item's bytes).
    indexes: [
      {
        indexName: 'byScheme',
        partitionKey: { name: 'listScheme', type: 'S' },
        sortKey: { name: 'drawnAt', type: 'S' },
        include: ['sampleId', 'schemeId', 'from', 'to', 'drawnBy', 'claimCount'],
      },
    ],
  },
  {
    // A claim's evidence (functions/shared/evidence-repo.ts): item 'ATT#<attachmentId>' is one attachment's
    // declaration and where its file stands (the file itself is in the evidence bucket), 'NOTE#<noteId>' one note
    // of the claim's thread. Each is also a record in the claim's audit chain.
    id: 'evidence',
    envVar: 'EVIDENCE_TABLE',
    partitionKey: { name: 'claimId', type: 'S' },
    sortKey: { name: 'item', type: 'S' },
    indexes: [],
  },
];

/**
 * The search indexes the claims table carried before table claimKeys took them (2026-12-02), in the order an
 * upgrade removes them. CloudFormation deletes at most one index of a table per stack update, so a stack deployed
 * before then is upgraded in steps, keeping the first N of these with `-c fangpin:retiredClaimIndexes=N`: 4, then 3,
 * 2, 1, 0 (docs/deploy.md). Nothing reads them; a new stack (N = 0, the default) never has them.
 */
export const RETIRED_CLAIM_INDEXES: readonly IndexSpec[] = [
  { indexName: 'byHousehold', partitionKey: { name: 'householdId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  { indexName: 'bySchemeCounty', partitionKey: { name: 'schemeCounty', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  { indexName: 'byScheme', partitionKey: { name: 'schemeId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  { indexName: 'byProduct', partitionKey: { name: 'product', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  {
    indexName: 'byIndexEvent',
    partitionKey: { name: 'indexEventId', type: 'S' },
    sortKey: { name: 'householdId', type: 'S' },
    include: ['status'],
  },
];

export function tableSpec(id: TableId): TableSpec {
  const spec = TABLES.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown table ${id}`);
  return spec;
}
