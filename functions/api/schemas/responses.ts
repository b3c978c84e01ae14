/**
 * The API's answers as zod schemas, for the OpenAPI document only (handlers build their answers from the stored
 * items; these describe what they build: claimView in functions/shared/claim-record.ts, the list pages, the
 * audit and history read-outs). The e2e tests check every answer they receive against the document
 * (test/support/openapi-check.ts), so a field added to an answer without being added here fails a test.
 * Objects are closed (no other properties) where the answer is ours field by field; open (`looseObject`) where it
 * carries what another system returns (Step Functions history events) or free figures.
 */
import * as z from 'zod';
import {
  AccidentDetails,
  CLAIM_STATUSES,
  DisasterDetails,
  EducationDetails,
  IndexObservation,
  IndustryDetails,
  LoanGuaranteeDetails,
  MedicalDetails,
  PRODUCTS,
  REASON_CODES,
  REVIEW_REASONS,
  SchemeSchema,
  WARNING_TYPES,
} from '#core/index.js';
import { ATTENTION_KINDS } from '#core/attention.js';
import { REVIEW_REASON_CODES } from '#core/review-authority.js';
import { ATTACHMENT_REJECTIONS, ATTACHMENT_STATUSES, ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '#core/evidence.js';
import { Delivery } from '../../shared/webhooks/types.js';
import { REVIEW_OUTCOME } from '../../shared/workflow-contract.js';

const fen = z.number().int().min(0).describe('an amount in fen (1/100 yuan)');
const instant = z.string().describe('an ISO-8601 instant');
const nullableInstant = instant.nullable();
const cursor = z.string().nullable().describe('pass as `cursor` for the next page; null on the last page');

/** RFC 9457 problem details, as every API error is answered (functions/api/http.ts). */
export const Problem = z
  .object({
    type: z.string().describe('a URI naming the kind of problem, e.g. https://fangpin.dev/problems/validation-failed'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(
      z.object({
        path: z.string().describe('the field: `details.totalCost`, `[3].county`, `(header) idempotency-key`, `(body)`'),
        message: z.string(),
      }),
    ),
  })
  .describe('RFC 9457 problem details; `errors` names each bad field');

/** What API Gateway itself answers (its JWT authorizer's 401, its throttling's 429); the embedded server never does. */
export const GatewayMessage = z.object({ message: z.string() }).describe('API Gateway\'s own answer, e.g. {"message":"Unauthorized"}');

export const PayeeView = z.object({ type: z.enum(['HOSPITAL', 'CLAIMANT', 'HOUSEHOLD', 'BANK']), id: z.string() });

export const SettlementView = z.object({
  settlementId: z.string(),
  claimId: z.string(),
  insurerId: z.string(),
  amount: fen,
  payee: PayeeView,
  schemeId: z.string(),
  product: z.enum(PRODUCTS),
  status: z
    .enum(['PENDING', 'CONFIRMED', 'WITHDRAWN'])
    .describe('WITHDRAWN: an objection took the claim back to review before any of its settlements was confirmed'),
  createdAt: instant,
  paidAt: nullableInstant.optional(),
  reference: z.string().nullable().optional(),
  confirmedAt: nullableInstant.optional(),
  withdrawnAt: nullableInstant.optional(),
});

export const SettlementPage = z.object({ items: z.array(SettlementView), nextCursor: cursor });

const ReviewLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const ReviewReasonCodeSchema = z.enum(REVIEW_REASON_CODES);
const ReviewEntry = z.object({
  stage: z.enum(['FIRST', 'FINAL']),
  decision: z.enum(['APPROVE', 'RECOMMEND', 'REJECT', 'RETURN']),
  reviewer: z.string(),
  level: ReviewLevelSchema,
  reasonCode: ReviewReasonCodeSchema.nullable(),
  note: z.string(),
  at: instant,
});

const OBJECTION_OUTCOMES = ['REVIEW', 'AUDIT_SAMPLE', 'RECORDED'] as const;
const ObjectionEntry = z.object({
  objectionId: z.string(),
  text: z.string().describe('as recorded, identity-number look-alikes masked'),
  by: z.string().describe('the admin who recorded it'),
  at: instant,
  status: z.enum([...CLAIM_STATUSES, 'APPROVED']).describe("the claim's status when it came in"),
  outcome: z
    .enum(OBJECTION_OUTCOMES)
    .describe('REVIEW: reviewed with reason OBJECTION; AUDIT_SAMPLE: payment decided, in the next audit sample; RECORDED: nothing is paid'),
  withdrawn: z
    .array(z.string())
    .optional()
    .describe('the settlements it withdrew: the claim was SETTLING and no insurer had confirmed, so it went back to review'),
});

export const ClaimView = z
  .object({
    claimId: z.string(),
    status: z.enum([...CLAIM_STATUSES, 'APPROVED']).describe("APPROVED: assessed, not yet settled (a running state beyond the contract's list)"),
    reasonCode: z.enum(REASON_CODES).nullable(),
    reasonDetail: z.string().nullable().describe("in the reader's language (Content-Language)"),
    schemeId: z.string(),
    product: z.enum(PRODUCTS),
    householdId: z.string(),
    personId: z.string(),
    incidentDate: z.string(),
    details: z
      .union([MedicalDetails, AccidentDetails, EducationDetails, DisasterDetails, IndustryDetails, LoanGuaranteeDetails])
      .describe("the submission's details as accepted, defaults filled in"),
    assessment: z
      .object({
        payout: fen,
        bankShare: fen.nullable(),
        reviewReasons: z.array(z.enum(REVIEW_REASONS)),
        explanation: z.object({
          figures: z.record(z.string(), z.unknown()).describe('the figures the sentences are rendered from (fen, bp)'),
          steps: z.array(z.string()).describe("sentences in the reader's language"),
        }),
      })
      .nullable(),
    allocations: z.array(z.object({ insurerId: z.string(), shareBp: z.number().int(), amount: fen })),
    settlements: z.array(SettlementView),
    review: z
      .object({
        decision: z.enum(['APPROVE', 'REJECT']),
        note: z.string(),
        reviewer: z.string(),
        at: instant,
        level: ReviewLevelSchema.optional(),
        reasonCode: ReviewReasonCodeSchema.nullable().optional(),
      })
      .nullable()
      .describe('the decision that ended the review'),
    recommendation: ReviewEntry.nullable().describe("an approval above the first reviewer's authority limit, waiting for a final review"),
    returned: ReviewEntry.nullable().describe('the return for information the submitter is to answer with POST /claims/{claimId}/amend'),
    reviews: z.array(ReviewEntry).describe('every review decision, across amendments, oldest first'),
    objections: z.array(ObjectionEntry).describe('objections from the public (公示异议), oldest first'),
    amendments: z.number().int().min(0),
    error: z.object({ error: z.string(), cause: z.string() }).nullable().describe('why the workflow failed (status FAILED)'),
    redrives: z.number().int().min(0).describe('later executions: redrives, and objections that took a SETTLING claim back to review'),
    withdrawals: z.number().int().min(0).describe("how many times an objection withdrew the claim's settlements"),
    indexEventId: z.string().nullable(),
    medicalFeedId: z.string().nullable(),
    submittedBy: z
      .string()
      .describe(
        'the token subject (`sub`) that filed the claim (a feed files as `medical-feed:<feedId>`): only it may amend or attach evidence, and it may not approve',
      ),
    createdAt: instant,
    decidedAt: nullableInstant,
    paidAt: nullableInstant,
    updatedAt: instant,
  })
  .describe('a claim as GET /claims/{claimId} answers it');

export const ClaimListItem = ClaimView.extend({
  county: z.string().nullable(),
  due: z
    .object({ workingDaysLeft: z.number().int(), dueDate: z.string(), level: z.enum(['OK', 'NEAR', 'DUE']) })
    .nullable()
    .describe('the 5-working-day payment target; null once the claim is closed'),
});

export const ClaimPage = z.object({
  items: z.array(ClaimListItem),
  nextCursor: cursor,
  scanned: z.number().int().min(0).describe('items the store evaluated for this page'),
  budgetExhausted: z.boolean().describe('the read budget stopped the page early; carry on with nextCursor'),
});

export const ClaimAccepted = z.object({ claimId: z.string(), status: z.literal('RECEIVED') });
export const ReviewRecorded = z.object({
  claimId: z.string(),
  decision: z.enum(['APPROVE', 'REJECT', 'RETURN']),
  outcome: z
    .enum([REVIEW_OUTCOME.approved, REVIEW_OUTCOME.recommended, REVIEW_OUTCOME.rejected, REVIEW_OUTCOME.returned])
    .describe("RECOMMENDED: above the reviewer's limit, waiting for a final review"),
  reviewer: z.string(),
  level: ReviewLevelSchema,
  reasonCode: ReviewReasonCodeSchema.nullable(),
});
export const ClaimAmended = z.object({ claimId: z.string(), status: z.literal('RECEIVED'), amendments: z.number().int().min(1) });
export const ClaimRedriven = z.object({ claimId: z.string(), status: z.enum([...CLAIM_STATUSES, 'APPROVED']), redrive: z.number().int().min(0) });

/** A Step Functions history event as GetExecutionHistory returns it (its own fields, open). */
const HistoryEvent = z.looseObject({ id: z.number().int(), type: z.string(), timestamp: z.string() });
const Execution = {
  executionArn: z.string(),
  status: z.string().optional().describe('RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED'),
  events: z.array(HistoryEvent),
};
export const ClaimHistory = z.object({
  claimId: z.string(),
  ...Execution,
  redrives: z.array(z.object({ redrive: z.number().int().min(1), ...Execution })),
});

export const AuditRecord = z.object({
  claimId: z.string().describe('the chain: a claim id, HOUSEHOLD#<id> or INDEX#<id>'),
  seq: z.number().int(),
  step: z.string(),
  actor: z.string(),
  at: instant,
  inputDigest: z.string(),
  outputDigest: z.string(),
  decision: z.string().nullable(),
  figures: z.record(z.string(), z.unknown()).optional().describe('what the step decided, in clear (fen; never identity numbers or names)'),
  prevHash: z.string(),
  hash: z.string(),
});
const Chain = {
  records: z.array(AuditRecord),
  verified: z.boolean(),
  head: z.string(),
  brokenAt: z.number().int().nullable(),
  problem: z.string().nullable(),
};
export const ClaimAudit = z.object({
  claimId: z.string(),
  ...Chain,
  stored: z
    .looseObject({ status: z.string() })
    .describe('the figures the store holds now, which `npm run audit -- verify` reconciles with the chain'),
});

const Member = z.object({
  personId: z.string(),
  name: z.string().optional(),
  birthDate: z.string().optional(),
  idMasked: z.string().optional().describe('e.g. 4209**********1234: never the raw number'),
});
const OpenWarningShape = {
  warningId: z.string(),
  type: z.enum(WARNING_TYPES),
  level: z.enum(['HIGH', 'MEDIUM']),
  followUp: z.enum(['ON_SITE_VISIT', 'PHONE_CHECK']),
  openedAt: instant,
  openedBy: z
    .string()
    .optional()
    .describe(
      '`claim:<claimId>`: the decision that made it true; `job:<jobId>`: a monitoring run (absent on warnings opened before this was recorded)',
    ),
  evidence: z.record(z.string(), z.unknown()).describe('the figures that opened it'),
};
export const OpenWarning = z.object(OpenWarningShape);
export const ClosedWarning = z.object({ ...OpenWarningShape, closedAt: instant, closedBy: z.string(), note: z.string() });

export const HouseholdView = z
  .looseObject({
    householdId: z.string(),
    schemeId: z.string(),
    county: z.string(),
    category: z.string(),
    verifiedYear: z.number().int(),
    exitedOn: z.string().nullable(),
    members: z.array(Member),
    enrollment: z.looseObject({ products: z.array(z.enum(PRODUCTS)), start: z.string(), end: z.string() }),
    openWarnings: z.array(OpenWarning),
    closedWarnings: z.array(ClosedWarning),
    updatedAt: instant,
  })
  .describe('a registry entry, identity numbers masked');
export const HouseholdPage = z.object({ items: z.array(HouseholdView), nextCursor: cursor });
export const HouseholdsUpserted = z.object({
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  errors: z.array(z.object({ index: z.number().int().min(0).describe('the row in the batch'), errors: z.array(Problem.shape.errors.element) })),
});
export const HouseholdAudit = z.object({ householdId: z.string(), ...Chain });

export const Scheme = SchemeSchema;
export const SchemeList = z.object({ items: z.array(SchemeSchema) });

const Bucket = z.object({ count: z.number().int().min(0), payout: fen, byStatus: z.record(z.string(), z.number().int()) });
export const SummaryReport = z.object({
  schemeId: z.string(),
  year: z.number().int(),
  claims: Bucket,
  byProduct: z.record(z.string(), Bucket),
  byCounty: z.record(z.string(), Bucket),
  payment: z.object({
    targetWorkingDays: z.number().int(),
    paid: z.number().int(),
    paidWithinTarget: z.number().int(),
    complianceBp: z.number().int().nullable(),
  }),
  premiums: z.object({
    households: z.number().int(),
    premium: fen,
    subsidy: fen,
    householdPays: fen,
    riskReserve: fen,
    reserveRateBp: z.number().int(),
  }),
  losses: z.object({ paid: fen, outstanding: fen, incurred: fen, lossRatioBp: z.number().int().nullable() }),
  riskCorridor: z.record(z.string(), z.unknown()).nullable().describe('the MEDICAL risk adjustment balance; null when the scheme configures none'),
});

const SettlementEventData = z.object({ settlementId: z.string(), claimId: z.string(), insurerId: z.string(), amount: fen, payee: PayeeView });
/** The `settlement.created` webhook's body (functions/shared/webhooks/dispatcher.ts), signed per Standard Webhooks. */
export const SettlementCreatedEvent = z.object({ type: z.literal('settlement.created'), timestamp: instant, data: SettlementEventData });
/**
 * The `settlement.withdrawn` webhook's body: an objection took the claim back to review before any insurer confirmed;
 * the settlement will not be confirmed (a confirmation answers 409). Sent to the insurers that got its `settlement.created`.
 */
export const SettlementWithdrawnEvent = z.object({ type: z.literal('settlement.withdrawn'), timestamp: instant, data: SettlementEventData });

export const EndpointRegistered = z.object({
  endpointId: z.string(),
  insurerId: z.string(),
  url: z.string(),
  secret: z.string().describe('whsec_…: shown once; verifies the webhook-signature header'),
  status: z.enum(['ACTIVE', 'DISABLED']),
  createdAt: instant,
});
export const DeliveryPage = z.object({
  items: z.array(Delivery.omit({ pk: true, sk: true, body: true }).extend({ payload: z.union([SettlementCreatedEvent, SettlementWithdrawnEvent]) })),
});
export const DeliveryReplayed = z.object({ deliveryId: z.string(), state: z.literal('PENDING') });

const FanoutStatus = z.enum(['FANNING_OUT', 'CREATED', 'FAILED']);
const IndexEventSummary = {
  eventId: z.string(),
  kind: z.enum(['WEATHER', 'PRICE']),
  observation: IndexObservation,
  status: FanoutStatus,
  claimsFiled: z.number().int().nullable(),
  createdAt: instant,
  completedAt: nullableInstant,
};
export const IndexEventView = z.object({
  ...IndexEventSummary,
  done: z.boolean().describe('every claim filed and none waiting for its decision'),
  created: z.number().int().min(0),
  decided: z.number().int().min(0),
  byStatus: z.record(z.string(), z.number().int()).optional().describe('with ?byStatus=true, and in the answer to the POST'),
  postedBy: z.string(),
  error: z.string().nullable(),
  claims: z.array(z.object({ claimId: z.string(), householdId: z.string(), status: z.string() })),
  nextCursor: cursor,
  progress: z.string().describe('the path to poll'),
});
export const IndexEventPosted = IndexEventView.extend({
  repeated: z.boolean().describe('true: the same observation was posted before; nothing new was filed'),
});
export const IndexEventPage = z.object({ items: z.array(z.object(IndexEventSummary)), nextCursor: cursor });
export const IndexEventAudit = z.object({ eventId: z.string(), ...Chain });
const Slice = z.object({
  shard: z.number().int().nullable(),
  executionArn: z.string(),
  mapRunArn: z.string(),
  status: z.string().optional(),
  startDate: z.string().optional(),
  stopDate: z.string().optional(),
  householdsFiled: z.number().int().nullable(),
});
export const IndexEventHistory = z.object({
  eventId: z.string(),
  ...Execution,
  slices: z.array(Slice),
  redrives: z.array(z.object({ redrive: z.number().int().min(1), ...Execution, slices: z.array(Slice) })),
});
export const IndexEventRedriven = z.object({ eventId: z.string(), status: FanoutStatus, redrive: z.number().int().min(0) });

export const MonitoringRun = z.object({
  jobId: z.string().optional().describe("the run's job (GET /monitoring/jobs/{jobId})"),
  schemeId: z.string().nullable(),
  asOf: z.string(),
  households: z.number().int().min(0),
  opened: z.number().int().min(0),
  open: z.number().int().min(0),
  warnings: z.array(z.object({ householdId: z.string(), ...OpenWarningShape })),
});
export const MonitoringJob = z.object({
  jobId: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  schemeId: z.string().nullable(),
  asOf: z.string(),
  startedAt: instant,
  finishedAt: instant.nullable(),
  slices: z.number().int().min(0).describe('registry slices the run examines'),
  slicesDone: z.number().int().min(0),
  households: z.number().int().min(0).describe('households examined so far'),
  opened: z.number().int().min(0).describe('warnings opened so far'),
  open: z.number().int().min(0).describe('open warnings among the households examined'),
  error: z.string().nullable(),
  location: z.string(),
});
export const WarningList = z.object({
  schemeId: z.string().nullable(),
  type: z.enum(WARNING_TYPES).nullable(),
  count: z.number().int().min(0),
  warnings: z.array(z.object({ householdId: z.string(), schemeId: z.string(), county: z.string(), ...OpenWarningShape })),
});
export const WarningClosed = z.object({ householdId: z.string(), warning: ClosedWarning });

export const Attention = z.object({
  asOf: instant,
  thresholds: z.object({ reviewDays: z.number(), stuckMinutes: z.number() }),
  counts: z.record(z.enum(ATTENTION_KINDS), z.number().int()),
  items: z.array(
    z.object({
      kind: z.enum(ATTENTION_KINDS),
      claimId: z.string().optional(),
      endpoint: z.object({ insurerId: z.string(), endpointId: z.string(), url: z.string() }).optional(),
      since: instant,
      ageMinutes: z.number().int(),
      reason: z.string(),
    }),
  ),
  executionChecks: z.object({ needed: z.number().int(), unchecked: z.number().int() }),
});

export const WorkflowDefinition = z.object({
  stateMachineName: z.string(),
  definition: z
    .object({ startAt: z.string(), states: z.record(z.string(), z.looseObject({ type: z.string() })) })
    .describe("the state machine's shape: no resources, no parameters"),
});

export const ObjectionRecorded = z.object({
  claimId: z.string(),
  objectionId: z.string(),
  status: z.enum([...CLAIM_STATUSES, 'APPROVED']).describe("the claim's status when the objection came in"),
  outcome: z.enum(OBJECTION_OUTCOMES),
  at: instant,
  withdrawn: z.array(z.string()).optional().describe('the settlements it withdrew (a SETTLING claim taken back to review)'),
});

export const PublicNotice = z.object({
  schemeId: z.string(),
  county: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  count: z.number().int().min(0),
  total: fen.describe('the payouts summed'),
  items: z.array(
    z.object({
      claimId: z.string().describe('what an objection names'),
      name: z.string().describe("the person's name masked to its first character and *: 张*"),
      county: z.string().nullable(),
      product: z.enum(PRODUCTS),
      payout: fen,
      approvedOn: z.string().describe('the China date it was approved for payment'),
    }),
  ),
});

const SampledClaim = z.object({
  claimId: z.string(),
  reasons: z
    .array(z.enum(['AMOUNT', 'RANDOM', 'OBJECTION']))
    .describe('AMOUNT: at or above minPayout; RANDOM: its draw fell in randomBp; OBJECTION: objected to after payment was decided'),
});
const SampleShape = {
  sampleId: z.string(),
  schemeId: z.string(),
  from: z.string(),
  to: z.string(),
  params: z.object({ randomBp: z.number().int(), minPayout: fen, seed: z.string() }),
  population: z.object({
    count: z.number().int().min(0),
    digest: z.string().describe('SHA-256 of the sorted `claimId:payout` lines of the paid claims approved in the period'),
  }),
  drawnBy: z.string(),
  drawnAt: instant,
};
export const AuditSampleDrawn = z.object({
  ...SampleShape,
  claims: z.array(SampledClaim),
  repeated: z.boolean().describe('true: the same parameters drew this sample before'),
});
const Finding = z.object({ claimId: z.string(), finding: z.enum(['OK', 'ISSUE']), note: z.string(), auditor: z.string(), at: instant });
export const AuditSampleView = z.object({
  ...SampleShape,
  claims: z.array(SampledClaim.extend({ finding: Finding.nullable() })),
  progress: z.object({ sampled: z.number().int(), reviewed: z.number().int(), ok: z.number().int(), issues: z.number().int(), done: z.boolean() }),
  audit: z.object({ verified: z.boolean(), head: z.string(), records: z.array(AuditRecord) }),
});
export const AuditFindingRecorded = Finding.extend({ sampleId: z.string() });
/** GET /audit-samples: one sample a row, newest first. */
export const AuditSampleListItem = z
  .object({
    sampleId: z.string(),
    schemeId: z.string(),
    from: z.string(),
    to: z.string(),
    drawnBy: z.string(),
    drawnAt: instant,
    claimCount: z.number().int().min(0).describe('claims in the sample'),
    findingsRecorded: z.number().int().min(0).describe('findings recorded so far; the sample is done when it equals claimCount'),
  })
  .strict();
export const AuditSamplePage = z.object({ items: z.array(AuditSampleListItem), nextCursor: cursor });
/** A claim's attachment as the evidence API answers it (functions/api/evidence.ts). */
export const AttachmentView = z.object({
  attachmentId: z.string(),
  fileName: z.string(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  sha256: z.string().describe('the declared SHA-256, lowercase hex; the file is checked against it on arrival'),
  status: z
    .enum(ATTACHMENT_STATUSES)
    .describe('PENDING_UPLOAD until the file arrives; VERIFIED: size, SHA-256 and format match; REJECTED: refused and deleted'),
  uploadedBy: z.string(),
  createdAt: instant,
  verifiedAt: instant.nullable(),
  rejection: z.enum(ATTACHMENT_REJECTIONS).nullable(),
});
export const AttachmentDeclared = AttachmentView.extend({
  upload: z.object({
    method: z.literal('PUT'),
    url: z.string().describe("a presigned URL (S3 on AWS; the embedded server's /evidence-bucket/ locally)"),
    headers: z
      .record(z.string(), z.string())
      .describe('send exactly these with the PUT (content-type, content-length, x-amz-checksum-sha256): they are signed'),
    expiresAt: instant,
  }),
});
export const AttachmentList = z.object({ claimId: z.string(), items: z.array(AttachmentView) });
export const AttachmentDownload = AttachmentView.extend({
  download: z.object({ method: z.literal('GET'), url: z.string().describe('a presigned URL, valid 5 minutes'), expiresAt: instant }),
});
export const NoteView = z.object({ noteId: z.string(), text: z.string(), author: z.string(), role: z.string(), at: instant });
export const NoteList = z.object({ claimId: z.string(), items: z.array(NoteView) });
// The medical bureau's feed (functions/api/medical-feeds.ts, docs/medical-feed.md).
const FEED_OUTCOMES = ['FILED', 'NOT_IN_REGISTRY', 'DUPLICATE', 'CONFLICT', 'BAD_ROW'] as const;
/** A sum of fen: a number while it is a safe integer (always, for real files), else its exact decimal string. */
const fenTotal = z.union([fen, z.string().regex(/^\d+$/)]).describe('a sum in fen: a number, or its decimal string past 2^53');
const feedId = z.string().regex(/^MF-[0-9a-f]{32}$/);
const feedStatus = z
  .enum(['FILING', 'DONE'])
  .describe('FILING while rows are filed or filed claims are still being decided by the workflow; DONE after');

export const MedicalFeedAccepted = z
  .object({
    feedId,
    status: feedStatus,
    rows: z.number().int().min(0).describe('data rows in the file'),
    encoding: z.enum(['utf-8', 'gb18030']),
    repeated: z.boolean().describe('true: this file was sent before for this scheme; nothing new is filed'),
  })
  .strict();

const FeedRowOutcome = z
  .object({
    line: z.number().int().min(2),
    outcome: z.enum(FEED_OUTCOMES),
    hospitalCode: z.string().nullable().optional(),
    invoiceNo: z.string().nullable().optional(),
    idMasked: z.string().nullable().optional().describe('the identity number masked; never in clear'),
    claimId: z.string().nullable().optional(),
    totalCost: fen.nullable().optional(),
    problems: z
      .array(z.string())
      .optional()
      .describe(
        "in the reader's language (Accept-Language): BAD_ROW, `line N: field: message` per bad field (`第 N 行：field：…` in Chinese); otherwise why (the line or feed that filed the invoice)",
      ),
  })
  .strict();

export const MedicalFeedView = z
  .object({
    feedId,
    schemeId: z.string(),
    status: feedStatus,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().min(0),
    encoding: z.enum(['utf-8', 'gb18030']),
    sentBy: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    rows: z.number().int().min(0),
    rowsDone: z.number().int().min(0).describe('rows whose outcome is recorded'),
    progress: z
      .object({ rows: z.number().int(), rowsDone: z.number().int(), claimsFiled: z.number().int(), claimsUndecided: z.number().int() })
      .strict(),
    counts: z
      .object(Object.fromEntries(FEED_OUTCOMES.map((o) => [o, z.number().int().min(0)])) as Record<(typeof FEED_OUTCOMES)[number], z.ZodNumber>)
      .strict(),
    claimsByStatus: z.record(z.string(), z.number().int().min(0)),
    undecided: z.number().int().min(0),
    controlTotals: z
      .object({
        rows: z.number().int().min(0),
        filedRows: z.number().int().min(0),
        totalCost: fenTotal,
        totalPayout: fenTotal,
        byHospital: z.array(z.object({ hospitalCode: z.string(), rows: z.number().int().min(0), totalCost: fenTotal, payout: fenTotal }).strict()),
      })
      .strict(),
    exceptions: z.array(FeedRowOutcome).describe('the rows that filed nothing, in line order (at most 1,000; all in format=csv)'),
    exceptionsTruncated: z.boolean(),
  })
  .strict();

/** `view=progress`: summed from one summary per finished batch and a count of the feed's undecided claims. */
export const MedicalFeedProgress = z
  .object({
    view: z.literal('progress'),
    feedId,
    schemeId: z.string(),
    status: feedStatus,
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    rows: z.number().int().min(0).describe('data rows in the file'),
    rowsDone: z.number().int().min(0).describe('rows of the batches finished so far (granularity: one batch, 100 rows)'),
    counts: z
      .object(Object.fromEntries(FEED_OUTCOMES.map((o) => [o, z.number().int().min(0)])) as Record<(typeof FEED_OUTCOMES)[number], z.ZodNumber>)
      .strict()
      .describe('rows by outcome, over the finished batches'),
    claimsFiled: z.number().int().min(0),
    claimsUndecided: z
      .number()
      .int()
      .min(0)
      .describe("the feed's claims not decided yet (RECEIVED, PENDING_REVIEW, RETURNED, FAILED), by the claims' status index"),
    filed: z
      .object({
        rows: z.number().int().min(0),
        totalCost: fenTotal,
        byHospital: z.array(z.object({ hospitalCode: z.string(), rows: z.number().int().min(0), totalCost: fenTotal }).strict()),
      })
      .strict()
      .describe("the filed rows' figures so far (payouts are in the full report, which reads the claims)"),
    execution: z
      .object({
        name: z.string().describe('the latest execution: `<feedId>`, or `<feedId>-r<n>` after n redrives'),
        status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).nullable().describe('null: not started'),
      })
      .strict(),
    redrives: z.number().int().min(0),
  })
  .strict();

/** GET /medical-feeds: one feed a row, newest first; no row data (the report is GET /medical-feeds/{feedId}). */
export const MedicalFeedListItem = z
  .object({
    feedId,
    schemeId: z.string(),
    status: feedStatus,
    rows: z.number().int().min(0).describe('data rows in the file'),
    sentBy: z.string().describe("the sender's subject (the token's `sub`, or the bucket's uploader)"),
    createdAt: instant,
    completedAt: instant.nullable().describe('when the feed became DONE; null while FILING'),
    encoding: z.enum(['utf-8', 'gb18030']),
    bytes: z.number().int().min(0),
    redrives: z.number().int().min(0).describe("admin redrives of the feed's workflow"),
  })
  .strict();
export const MedicalFeedPage = z.object({ items: z.array(MedicalFeedListItem), nextCursor: cursor });

/** GET /medical-feeds/{feedId}: the full report (default), or with view=progress the cheap progress. */
export const MedicalFeedAnswer = z.union([MedicalFeedView, MedicalFeedProgress]);

/** The feed's audit chain: FeedReceived (sender, sha256), FeedRedriven, FeedFinished (counts and control totals). */
export const MedicalFeedAudit = z.object({ feedId, ...Chain });

export const MedicalFeedRedriven = z
  .object({
    feedId,
    status: feedStatus,
    execution: z.string().describe('the execution started: `<feedId>-r<n>`'),
    redrives: z.number().int().min(0),
  })
  .strict();
