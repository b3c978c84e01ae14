/**
 * What the OpenAPI document says of each route of the route table (functions/api/routes.ts), keyed like the
 * table (`GET /claims/{claimId}`). Request schemas are the ones the handlers validate with; answers are
 * functions/api/schemas/responses.ts. A route in the table without an entry here fails the document's build and
 * its test (test/functions/openapi.test.ts) naming the route, so a new route cannot ship undocumented.
 */
import * as z from 'zod';
import { ClaimSubmission, HouseholdInput, IndexObservation } from '#core/index.js';
import { ClaimListQuery } from '../claims.js';
import { AmendBody, ReviewBody } from '../review.js';
import { ConfirmBody, SettlementListQuery } from '../settlements.js';
import { RegisterEndpointBody } from '../webhooks.js';
import { AttentionQuery } from '../ops.js';
import { SummaryQuery } from '../reports.js';
import { CloseWarningBody, MonitoringRunBody, WarningListQuery } from '../monitoring.js';
import { RedriveBody } from '../redrive.js';
import { ObjectionBody } from '../objections.js';
import { PublicNoticeQuery } from '../public-notice.js';
import { FindingBody, SampleBody, SampleListQuery } from '../audit-samples.js';
import { FeedListQuery } from '../medical-feeds.js';
import { AttachmentBody, NoteBody } from '../evidence.js';
import * as R from '../schemas/responses.js';

/** A query or header parameter the handler reads without a zod schema (paging, flags). */
export interface ParamDoc {
  readonly name: string;
  readonly description: string;
  readonly schema: Record<string, unknown>;
  readonly required?: boolean;
}

export interface ResponseDoc {
  readonly description: string;
  /** A component (see COMPONENTS): the JSON answer's schema. */
  readonly body?: z.ZodType;
  /** Other content types the answer may come in, not described by a schema (CSV). */
  readonly alsoAs?: Readonly<Record<string, string>>;
  readonly headers?: readonly string[];
}

export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** A zod object whose properties are the query parameters (the handler's own schema, input side). */
  readonly query?: z.ZodObject;
  readonly queryParams?: readonly ParamDoc[];
  readonly headers?: readonly ParamDoc[];
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean; readonly maxBytes: number; readonly description?: string };
  /** A body that is a file, not JSON (the medical feed's CSV): its media types, taken as bytes. */
  readonly fileBody?: { readonly mediaTypes: readonly string[]; readonly maxBytes: number; readonly description: string };
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /** Problem statuses beyond what the document adds to every route (see document.ts). */
  readonly problems: readonly number[];
}

/** POST /households: 1..1000 rows, each checked on its own (functions/api/households.ts). */
const HouseholdBatch = z.array(HouseholdInput).min(1).max(1000);

/** Named schemas, under components/schemas: requests (input side: defaults optional) and answers (output side). */
export const REQUEST_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  ClaimSubmission,
  ReviewBody,
  AmendBody,
  RedriveBody,
  HouseholdBatch,
  ConfirmBody,
  RegisterEndpointBody,
  IndexObservation,
  MonitoringRunBody,
  CloseWarningBody,
  ObjectionBody,
  SampleBody,
  FindingBody,
  AttachmentBody,
  NoteBody,
};

export const RESPONSE_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  Problem: R.Problem,
  MedicalFeedAccepted: R.MedicalFeedAccepted,
  MedicalFeedView: R.MedicalFeedView,
  MedicalFeedProgress: R.MedicalFeedProgress,
  MedicalFeedAnswer: R.MedicalFeedAnswer,
  MedicalFeedListItem: R.MedicalFeedListItem,
  MedicalFeedPage: R.MedicalFeedPage,
  MedicalFeedRedriven: R.MedicalFeedRedriven,
  MedicalFeedAudit: R.MedicalFeedAudit,
  GatewayMessage: R.GatewayMessage,
  ClaimView: R.ClaimView,
  ClaimPage: R.ClaimPage,
  ClaimAccepted: R.ClaimAccepted,
  ReviewRecorded: R.ReviewRecorded,
  ClaimAmended: R.ClaimAmended,
  ClaimRedriven: R.ClaimRedriven,
  ClaimHistory: R.ClaimHistory,
  ClaimAudit: R.ClaimAudit,
  AuditRecord: R.AuditRecord,
  SettlementView: R.SettlementView,
  SettlementPage: R.SettlementPage,
  HouseholdView: R.HouseholdView,
  HouseholdPage: R.HouseholdPage,
  HouseholdsUpserted: R.HouseholdsUpserted,
  HouseholdAudit: R.HouseholdAudit,
  Scheme: R.Scheme,
  SchemeList: R.SchemeList,
  SummaryReport: R.SummaryReport,
  EndpointRegistered: R.EndpointRegistered,
  DeliveryPage: R.DeliveryPage,
  DeliveryReplayed: R.DeliveryReplayed,
  SettlementCreatedEvent: R.SettlementCreatedEvent,
  SettlementWithdrawnEvent: R.SettlementWithdrawnEvent,
  IndexEventView: R.IndexEventView,
  IndexEventPosted: R.IndexEventPosted,
  IndexEventPage: R.IndexEventPage,
  IndexEventAudit: R.IndexEventAudit,
  IndexEventHistory: R.IndexEventHistory,
  IndexEventRedriven: R.IndexEventRedriven,
  MonitoringRun: R.MonitoringRun,
  MonitoringJob: R.MonitoringJob,
  WarningList: R.WarningList,
  WarningClosed: R.WarningClosed,
  OpenWarning: R.OpenWarning,
  ClosedWarning: R.ClosedWarning,
  Attention: R.Attention,
  WorkflowDefinition: R.WorkflowDefinition,
  ObjectionRecorded: R.ObjectionRecorded,
  PublicNotice: R.PublicNotice,
  AuditSampleDrawn: R.AuditSampleDrawn,
  AuditSampleView: R.AuditSampleView,
  AuditSampleListItem: R.AuditSampleListItem,
  AuditSamplePage: R.AuditSamplePage,
  AuditFindingRecorded: R.AuditFindingRecorded,
  AttachmentView: R.AttachmentView,
  AttachmentDeclared: R.AttachmentDeclared,
  AttachmentList: R.AttachmentList,
  AttachmentDownload: R.AttachmentDownload,
  NoteView: R.NoteView,
  NoteList: R.NoteList,
};

const page = (max: number, dflt: number): ParamDoc[] => [
  { name: 'limit', description: `items per page, 1..${max} (default ${dflt})`, schema: { type: 'string', pattern: '^\\d+$' } },
  { name: 'cursor', description: 'the `nextCursor` of the previous page (opaque)', schema: { type: 'string' } },
];
const acceptLanguage: ParamDoc = {
  name: 'Accept-Language',
  description: "the language of sentences (reasonDetail, the explanation's steps): zh-CN (default) or en. Codes and figures never change with it.",
  schema: { type: 'string', examples: ['zh-CN', 'en'] },
};
const idempotencyKey: ParamDoc = {
  name: 'Idempotency-Key',
  description:
    '1..128 characters. The same key and body from the same caller give the same claim (and the same answer); the same key with another body is 409. Kept 7 days.',
  schema: { type: 'string', minLength: 1, maxLength: 128 },
};
const redriveBody = { schema: RedriveBody, required: false, maxBytes: 16 * 1024, description: 'optional: `{"note"}` for the audit record' };
const KB16 = 16 * 1024;

export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /schemes': {
    tag: 'schemes',
    summary: "List the schemes (each city's rules as data)",
    responses: { 200: { description: 'every scheme', body: R.SchemeList } },
    problems: [],
  },
  'GET /schemes/{schemeId}': {
    tag: 'schemes',
    summary: 'Read one scheme',
    responses: { 200: { description: 'the scheme', body: R.Scheme } },
    problems: [404],
  },

  'POST /households': {
    tag: 'registry',
    summary: 'Upsert households (建档立卡) in a batch',
    description:
      'Each row is validated on its own; identity numbers are hashed and masked before anything is stored. 200 when every row was taken, 207 when some were refused (`errors` names them by index); a batch with no valid row is 422 and changes nothing.',
    body: { schema: HouseholdBatch, required: true, maxBytes: 5 * 1024 * 1024 },
    responses: {
      200: { description: 'every row taken', body: R.HouseholdsUpserted },
      207: { description: 'some rows taken, the others named in `errors`', body: R.HouseholdsUpserted },
    },
    problems: [422],
  },
  'GET /households': {
    tag: 'registry',
    summary: 'Page through the registry (masked)',
    description: 'Scheme by scheme, 16 slices each, households in id order within a slice; every page is full but the last.',
    queryParams: [
      ...page(100, 25),
      { name: 'schemeId', description: "only this scheme's households", schema: { type: 'string', minLength: 1, maxLength: 128 } },
    ],
    responses: { 200: { description: 'a page', body: R.HouseholdPage } },
    problems: [400, 404],
  },
  'GET /households/{householdId}': {
    tag: 'registry',
    summary: 'Read one household (masked)',
    responses: { 200: { description: 'the household', body: R.HouseholdView } },
    problems: [404],
  },
  'GET /households/{householdId}/audit': {
    tag: 'registry',
    summary: "The household's audit chain",
    description: 'Registry changes and monitoring warnings opened and closed, hash-chained; `verified` says whether the chain holds.',
    responses: { 200: { description: 'the chain', body: R.HouseholdAudit } },
    problems: [404],
  },

  'POST /claims': {
    tag: 'claims',
    summary: 'Submit a claim',
    description:
      'Accepted claims run through the workflow (eligibility, assessment, split, payout); read the outcome with GET /claims/{claimId}. Bad input is 422 naming each field and creates nothing. An unknown household or person is not bad input: the claim is accepted and then REJECTED with its reason code.',
    headers: [idempotencyKey],
    body: { schema: ClaimSubmission, required: true, maxBytes: 64 * 1024 },
    responses: { 202: { description: 'accepted; the workflow decides it', body: R.ClaimAccepted, headers: ['Location'] } },
    problems: [409, 422],
  },
  'GET /claims': {
    tag: 'claims',
    summary: 'List claims (by household, by status, or all)',
    description:
      'Filters the key cannot express are applied while reading; a page is filled up to `limit` unless the read budget stops it (`budgetExhausted`). `sort=amount-desc|amount-asc` needs `status=PENDING_REVIEW`.',
    query: ClaimListQuery,
    queryParams: page(100, 25),
    headers: [acceptLanguage],
    responses: {
      200: { description: 'a page, sentences in the language of Content-Language', body: R.ClaimPage, headers: ['Content-Language', 'Vary'] },
    },
    problems: [],
  },
  'GET /claims/{claimId}': {
    tag: 'claims',
    summary: 'Read a claim: status, reason, assessment with its explanation, allocations, settlements',
    headers: [acceptLanguage],
    responses: {
      200: { description: 'the claim, sentences in the language of Content-Language', body: R.ClaimView, headers: ['Content-Language', 'Vary'] },
    },
    problems: [404],
  },
  'POST /claims/{claimId}/review': {
    tag: 'claims',
    summary: 'Decide a claim waiting in PENDING_REVIEW',
    description:
      'A rejection releases the amounts the claim held against the caps and its invoice. 409 `Not ready` (with Retry-After) while the workflow has not reached the review step.',
    body: { schema: ReviewBody, required: true, maxBytes: KB16 },
    responses: { 200: { description: 'the decision, stored and handed to the workflow', body: R.ReviewRecorded } },
    problems: [403, 404, 409, 422],
  },
  'POST /claims/{claimId}/amend': {
    tag: 'claims',
    summary: 'Amend a RETURNED claim (its submitter)',
    description:
      "Only `details` and `incidentDate` may change, validated as at submission. The amounts the claim held are released, and the same execution decides it again (eligibility, assessment, possibly review). 403 for anyone but the claim's submitter; 409 when the claim is not RETURNED.",
    body: { schema: AmendBody, required: true, maxBytes: 64 * 1024 },
    responses: { 202: { description: 'amended; the workflow decides it again', body: R.ClaimAmended, headers: ['Location'] } },
    problems: [403, 404, 409, 422],
  },
  'POST /claims/{claimId}/redrive': {
    tag: 'claims',
    summary: "Re-run a failed or stuck claim's workflow",
    description:
      'A new execution `<claimId>-r<n>` carries on from where the claim stopped; nothing done before is done again. A running or decided claim is 409.',
    body: redriveBody,
    responses: { 202: { description: 'redriven (or its lost start started)', body: R.ClaimRedriven } },
    problems: [404, 409, 422],
  },
  'POST /claims/{claimId}/objections': {
    tag: 'claims',
    summary: 'Record an objection from the public (公示异议) to a claim',
    description:
      "Admin, on behalf of the public. Not decided yet (RECEIVED, RETURNED) or waiting for a reviewer: the claim is reviewed with reason OBJECTION. SETTLING with no settlement confirmed yet: its settlements are WITHDRAWN (a `settlement.withdrawn` webhook to their insurers), the claim goes back to PENDING_REVIEW with reason OBJECTION in a new execution `<claimId>-r<n>` (listed in the history's `redrives`), and a new approval settles afresh under new settlement ids; a confirmation racing with it either commits first (then this objection goes to the audit sample) or gets 409. Once any insurer confirmed (SETTLING with a confirmation, PAID) or while the split runs (APPROVED): it goes into the scheme's next audit sample. REJECTED or CLOSED_NO_PAYOUT: recorded only. An audit record (`Objection`) either way. With an Idempotency-Key, a repeat answers 200 with the same objection.",
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'same key and text: the same objection (200)',
        schema: { type: 'string', minLength: 1, maxLength: 128 },
      },
    ],
    body: { schema: ObjectionBody, required: true, maxBytes: KB16 },
    responses: {
      201: { description: 'recorded', body: R.ObjectionRecorded, headers: ['Location'] },
      200: { description: 'the same objection again (Idempotency-Key)', body: R.ObjectionRecorded, headers: ['Location'] },
    },
    problems: [404, 409, 422],
  },
  'GET /claims/{claimId}/history': {
    tag: 'claims',
    summary: "The claim's Step Functions execution history (and each redrive's)",
    responses: { 200: { description: 'the history', body: R.ClaimHistory } },
    problems: [404],
  },
  'GET /claims/{claimId}/audit': {
    tag: 'claims',
    summary: "The claim's hash-chained audit trail and the figures stored now",
    responses: { 200: { description: 'the chain', body: R.ClaimAudit } },
    problems: [404],
  },

  'POST /claims/{claimId}/attachments': {
    tag: 'evidence',
    summary: 'Attach a file to a claim (its submitter): declare it, get a presigned upload URL',
    description:
      "PDF, JPEG or PNG, at most 10 MB. The answer's `upload` is a presigned PUT (15 minutes) that binds the content type, the length and the SHA-256 (`x-amz-checksum-sha256`): another file is refused by the bucket (400 BadDigest). On arrival the file's size, SHA-256 and format are checked again and the attachment becomes VERIFIED, or REJECTED and deleted; both are records in the claim's audit chain. The same file declared again (same SHA-256, name and type) is the same attachment: 200 with a fresh URL while it waits for its upload, 409 once it arrived. 403 for anyone but the claim's submitter.",
    body: { schema: AttachmentBody, required: true, maxBytes: 4 * 1024 },
    responses: {
      201: { description: 'declared; upload the file with `upload`', body: R.AttachmentDeclared, headers: ['Location'] },
      200: { description: 'declared before and still waiting for its file: a fresh upload URL', body: R.AttachmentDeclared, headers: ['Location'] },
    },
    problems: [403, 404, 409, 422],
  },
  'GET /claims/{claimId}/attachments': {
    tag: 'evidence',
    summary: "A claim's attachments",
    description:
      "For the claim's submitter, reviewers, auditors and an insurer that pays part of the claim (an allocation of the claim names it); 403 for anyone else.",
    responses: { 200: { description: 'the attachments, oldest first', body: R.AttachmentList } },
    problems: [403, 404],
  },
  'GET /claims/{claimId}/attachments/{attachmentId}': {
    tag: 'evidence',
    summary: 'Download an attachment: a presigned URL, valid 5 minutes',
    description:
      "Access as for the list. The download is recorded in the claim's audit chain (`AttachmentDownloaded`, who and in what role) before the URL is made. Only a VERIFIED file is handed out (409 otherwise).",
    responses: { 200: { description: 'where to fetch the file', body: R.AttachmentDownload, headers: ['Cache-Control'] } },
    problems: [403, 404, 409],
  },
  'POST /claims/{claimId}/notes': {
    tag: 'evidence',
    summary: "Add a note to the claim's thread (reviewers, auditors, admins)",
    description:
      "Each note is a record in the claim's audit chain (`Note`, its text as a digest). With an Idempotency-Key a repeated request is the same note (200); the same key with other text is 409.",
    headers: [{ ...idempotencyKey, description: '1..128 characters. The same key from the same caller on the same claim is the same note.' }],
    body: { schema: NoteBody, required: true, maxBytes: KB16 },
    responses: {
      201: { description: 'the note', body: R.NoteView, headers: ['Location'] },
      200: { description: 'the same note, sent again with its Idempotency-Key', body: R.NoteView },
    },
    problems: [404, 409, 422],
  },
  'GET /claims/{claimId}/notes': {
    tag: 'evidence',
    summary: "The claim's notes thread (reviewers, auditors, admins)",
    responses: { 200: { description: 'the notes, oldest first', body: R.NoteList } },
    problems: [404],
  },

  'GET /settlements': {
    tag: 'settlements',
    summary: 'List settlements',
    description:
      "An insurer sees its own settlements only, whatever it asks for. Oldest first: an insurer's own, or by status, or (no status) scheme by scheme; every page is full but the last.",
    query: SettlementListQuery,
    queryParams: page(100, 25),
    responses: { 200: { description: 'a page', body: R.SettlementPage } },
    problems: [],
  },
  'POST /settlements/{settlementId}/confirm': {
    tag: 'settlements',
    summary: 'Confirm a settlement was paid',
    description:
      "When every settlement of a claim is confirmed the claim becomes PAID. Another insurer's settlement is 404. Repeating with the same reference is answered like the first; another reference is 409, and so is a settlement an objection withdrew (title `Settlement withdrawn`): of a confirmation and a withdrawal, whichever is written first wins.",
    body: { schema: ConfirmBody, required: true, maxBytes: KB16 },
    responses: { 200: { description: 'the settlement, confirmed', body: R.SettlementView } },
    problems: [404, 409, 422],
  },

  'GET /reports/summary': {
    tag: 'reports',
    summary: "A scheme's summary for a policy year (claims, payment target, premiums, loss ratio)",
    query: SummaryQuery,
    queryParams: [
      { name: 'format', description: 'json (default) or csv', schema: { type: 'string', enum: ['json', 'csv'] } },
      {
        name: 'encoding',
        description: 'with format=csv: utf-8 (default, with a BOM) or gb18030, for a Chinese Excel',
        schema: { type: 'string', enum: ['utf-8', 'gb18030'] },
      },
    ],
    responses: {
      200: {
        description: 'the summary (as CSV with format=csv)',
        body: R.SummaryReport,
        alsoAs: {
          'text/csv':
            "with format=csv: one table (section, key, claims, amount_fen_or_value) whose column names are in the reader's language; `charset=utf-8` with a BOM, or `charset=gb18030` with encoding=gb18030",
        },
      },
    },
    problems: [404],
  },

  'GET /reports/public-notice': {
    tag: 'reports',
    summary: 'Claims approved for payment in a period, for public notice (公示): masked names only',
    description:
      "Each row: claim id, the name masked to its first character and *, county, product, payout, approval date (China time). Never an identity number or a full name. `format=csv` for Excel: headers in the reader's language (Chinese by default), UTF-8 with a BOM, or `encoding=gb18030`.",
    query: PublicNoticeQuery,
    headers: [acceptLanguage],
    responses: {
      200: {
        description: 'the notice (as CSV with format=csv)',
        body: R.PublicNotice,
        headers: ['Content-Language'],
        alsoAs: {
          'text/csv':
            "with format=csv: one row a claim under headers in the reader's language, CRLF lines; `charset=utf-8` with a BOM, or `charset=gb18030` with encoding=gb18030",
        },
      },
    },
    problems: [422],
  },
  'POST /audit-samples': {
    tag: 'audit',
    summary: 'Draw an after-payment audit sample',
    description:
      "Every PAID claim approved in the period (China dates) paying at least minPayout, a randomBp share of the rest picked by SHA-256(seed:claimId) (first 8 bytes mod 10000 < randomBp), and the scheme's claims objected to after payment was decided. The id is a digest of the parameters: the same request answers the same sample (200).",
    body: { schema: SampleBody, required: true, maxBytes: KB16 },
    responses: {
      201: { description: 'drawn', body: R.AuditSampleDrawn, headers: ['Location'] },
      200: { description: 'drawn before with these parameters', body: R.AuditSampleDrawn, headers: ['Location'] },
    },
    problems: [422],
  },
  'GET /audit-samples': {
    tag: 'audit',
    summary: 'List audit samples, newest first',
    description:
      "Every scheme's samples merged by drawnAt (or one scheme's with schemeId), each with its claim count and the findings recorded so far; every page is full but the last. Samples drawn before this list existed are not in it (open them by id).",
    query: SampleListQuery,
    queryParams: page(100, 25),
    responses: { 200: { description: 'a page', body: R.AuditSamplePage } },
    problems: [],
  },
  'GET /audit-samples/{sampleId}': {
    tag: 'audit',
    summary: 'An audit sample with its findings, progress and audit chain',
    responses: { 200: { description: 'the sample', body: R.AuditSampleView } },
    problems: [404],
  },
  'POST /audit-samples/{sampleId}/findings': {
    tag: 'audit',
    summary: 'Record the finding for one sampled claim (OK, or ISSUE with a note)',
    body: { schema: FindingBody, required: true, maxBytes: KB16 },
    responses: {
      201: { description: 'recorded', body: R.AuditFindingRecorded },
      200: { description: 'the same finding again', body: R.AuditFindingRecorded },
    },
    problems: [404, 409, 422],
  },
  'POST /webhook-endpoints': {
    tag: 'webhooks',
    summary: "Register an insurer's webhook endpoint",
    description: 'The answer carries the signing secret, once. Messages are signed per Standard Webhooks (see `webhooks` in this document).',
    body: { schema: RegisterEndpointBody, required: true, maxBytes: KB16 },
    responses: { 201: { description: 'registered', body: R.EndpointRegistered } },
    problems: [422],
  },
  'GET /webhook-deliveries': {
    tag: 'webhooks',
    summary: 'List webhook deliveries and their attempts',
    queryParams: [{ name: 'insurerId', description: "one insurer's deliveries", schema: { type: 'string' } }],
    responses: { 200: { description: 'the deliveries', body: R.DeliveryPage } },
    problems: [],
  },
  'POST /webhook-deliveries/{deliveryId}/replay': {
    tag: 'webhooks',
    summary: 'Send a failed delivery again',
    responses: { 202: { description: 'queued', body: R.DeliveryReplayed } },
    problems: [404, 409],
  },

  'POST /index-events': {
    tag: 'index events',
    summary: 'Post a price or weather index observation; claims are filed for every household it concerns',
    description:
      '`type` is accepted for `kind`, in any case; `period` may be `{start,end}`, one day, or `start/end`. The answer waits a few seconds: 201 when the fan-out finished (its claims listed), 202 while it runs (poll `Location`). The same observation again is 200 and files nothing; the same place and period with other figures is 409.',
    body: { schema: IndexObservation, required: true, maxBytes: KB16 },
    responses: {
      200: { description: 'posted before: the same event', body: R.IndexEventPosted, headers: ['Location'] },
      201: { description: 'recorded and fanned out', body: R.IndexEventPosted, headers: ['Location'] },
      202: { description: 'recorded, still fanning out', body: R.IndexEventPosted, headers: ['Location'] },
    },
    problems: [409, 422],
  },
  'GET /index-events': {
    tag: 'index events',
    summary: 'List index events',
    queryParams: page(100, 25),
    responses: { 200: { description: 'a page', body: R.IndexEventPage } },
    problems: [400],
  },
  'GET /index-events/{eventId}': {
    tag: 'index events',
    summary: "An index event's progress and its claims",
    queryParams: [
      ...page(1000, 100),
      {
        name: 'byStatus',
        description: 'true: count its claims by status (reads every claim of the event)',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ],
    responses: { 200: { description: 'the event', body: R.IndexEventView } },
    problems: [404],
  },
  'GET /index-events/{eventId}/audit': {
    tag: 'index events',
    summary: "The event's audit chain",
    responses: { 200: { description: 'the chain', body: R.IndexEventAudit } },
    problems: [404],
  },
  'GET /index-events/{eventId}/history': {
    tag: 'index events',
    summary: "The fan-out execution's history and each registry slice's child execution",
    responses: { 200: { description: 'the history', body: R.IndexEventHistory } },
    problems: [404],
  },
  'POST /index-events/{eventId}/redrive': {
    tag: 'index events',
    summary: 'Re-run a failed or stuck fan-out',
    body: redriveBody,
    responses: { 202: { description: 'redriven', body: R.IndexEventRedriven } },
    problems: [404, 409, 422],
  },

  'POST /medical-feeds': {
    tag: 'medical feeds',
    summary: "Send the medical insurance bureau's settlement file (CSV); its matched rows are filed as MEDICAL claims paid to the hospital",
    description:
      "The whole file is checked first (encoding UTF-8 or GB18030, detected or given by `encoding`; the documented header; at most 32 MiB and 250,000 rows): a file that cannot be read as the feed is refused (413, 415, 422 naming `file`, `encoding` or `header`) and nothing is filed. The feed id comes from the file's SHA-256 and the scheme: the same file again answers the same feed (`repeated: true`) and files nothing. Rows are filed by the feed workflow; poll `Location`. On AWS the API takes files up to API Gateway's and Lambda's payload limits (about 4 MB as bytes); larger files go straight into the feed bucket under `incoming/<schemeId>/` (docs/medical-feed.md).",
    queryParams: [
      {
        name: 'schemeId',
        description: 'the scheme whose registry the rows are matched against',
        schema: { type: 'string', minLength: 1, maxLength: 128 },
        required: true,
      },
      { name: 'encoding', description: 'utf-8 or gb18030; detected when absent', schema: { type: 'string', enum: ['utf-8', 'utf8', 'gb18030'] } },
    ],
    fileBody: {
      mediaTypes: ['text/csv', 'application/octet-stream'],
      maxBytes: 32 * 1024 * 1024,
      description: 'the CSV file as the bureau exported it (bytes: send GB18030 files as application/octet-stream)',
    },
    responses: {
      202: {
        description: 'recorded (or sent before: `repeated`); filing runs in the feed workflow',
        body: R.MedicalFeedAccepted,
        headers: ['Location'],
      },
    },
    problems: [],
  },
  'GET /medical-feeds': {
    tag: 'medical feeds',
    summary: 'List medical feeds, newest first',
    description:
      "Every scheme's feeds merged by createdAt (or one scheme's with schemeId), optionally only FILING or DONE ones; every page is full but the last. No row data: the report is GET /medical-feeds/{feedId}. Feeds received before this list existed are not in it (open them by id).",
    query: FeedListQuery,
    queryParams: page(100, 25),
    responses: { 200: { description: 'a page', body: R.MedicalFeedPage } },
    problems: [],
  },
  'GET /medical-feeds/{feedId}': {
    tag: 'medical feeds',
    summary: "A medical feed's status, progress, counts by outcome, claims by status and control totals; or its per-row report",
    description:
      "The full report (the default) is summed from every row item and every filed claim: exact, and its cost grows with the file (O(rows)). To follow a feed while it files, poll `view=progress`: rows done, counts and filed figures summed from one summary per finished batch (granularity 100 rows), and the feed's undecided claims counted on the claims' status index; O(batches + undecided claims) per read, with the latest execution's status (`execution`) for a redrive.",
    queryParams: [
      {
        name: 'view',
        description: 'report (default: the full report) or progress (cheap, for polling; JSON only)',
        schema: { type: 'string', enum: ['report', 'progress'] },
      },
      {
        name: 'format',
        description: 'json (default) or csv (one line per row, identity numbers masked)',
        schema: { type: 'string', enum: ['json', 'csv'] },
      },
      {
        name: 'encoding',
        description: 'format=csv only: utf-8 (default, with a BOM) or gb18030 (for a Chinese Excel)',
        schema: { type: 'string', enum: ['utf-8', 'gb18030'] },
      },
    ],
    responses: {
      200: {
        description: "the feed (as CSV with format=csv). Row problems, and the CSV's column names, are in the reader's language (Accept-Language)",
        body: R.MedicalFeedAnswer,
        headers: ['Content-Language', 'Vary'],
        alsoAs: {
          'text/csv':
            "with format=csv: line, outcome, hospitalCode, invoiceNo, idMasked, claimId, totalCost, problems (column names in the reader's language); UTF-8 with a BOM, or GB18030 with encoding=gb18030",
        },
      },
    },
    problems: [404, 422],
  },

  'GET /medical-feeds/{feedId}/audit': {
    tag: 'medical feeds',
    summary: "The feed's audit chain: who sent which file (sha256), its redrives, and its end with counts and control totals",
    responses: { 200: { description: 'the chain', body: R.MedicalFeedAudit } },
    problems: [404],
  },
  'POST /medical-feeds/{feedId}/redrive': {
    tag: 'medical feeds',
    summary: 'Re-run a feed whose workflow failed: a new execution `<feedId>-r<n>`, which files only what the failed one had not',
    description:
      "Admin. Allowed while the feed is FILING and its latest execution (`<feedId>`, or the latest `<feedId>-r<n>`) has ended without succeeding (FAILED, TIMED_OUT, ABORTED); otherwise 409 naming why (running, succeeded, DONE). The feed's `redrives` count is raised from the one read, with a `FeedRedriven` record on the feed's audit chain, and the execution is started with the feed's input. Rows are idempotent (claim ids from scheme, hospital and invoice; each row's outcome written once), so nothing is filed twice. A request racing or repeating another answers the same execution.",
    body: redriveBody,
    responses: { 202: { description: 'redriven: the execution started', body: R.MedicalFeedRedriven } },
    problems: [404, 409, 422],
  },

  'POST /monitoring/run': {
    tag: 'monitoring',
    summary: 'Run the monitoring signals (spec 7) over the registry as a job, and open new warnings',
    description:
      "A claim's decision already opens what it makes true; a run covers incomes and areas imported since, and `asOf`. The run is a job (a Step Functions execution over the registry's slices). The body is optional; `schemeId` may also be given in the query. The answer is 200 with what was opened when the job finishes within about 20 s, otherwise (or at once with `Prefer: respond-async`) 202 with the job's progress, to be followed at `Location` (GET /monitoring/jobs/{jobId}).",
    queryParams: [{ name: 'schemeId', description: "only this scheme's households", schema: { type: 'string', minLength: 1, maxLength: 128 } }],
    headers: [{ name: 'Prefer', description: '`respond-async`: answer 202 with the job at once', schema: { type: 'string' } }],
    body: { schema: MonitoringRunBody, required: false, maxBytes: KB16 },
    responses: {
      200: { description: 'the job finished: what was opened', body: R.MonitoringRun },
      202: { description: 'the job runs on; its progress is at Location', body: R.MonitoringJob, headers: ['Location'] },
    },
    problems: [404, 422, 500],
  },
  'GET /monitoring/jobs/{jobId}': {
    tag: 'monitoring',
    summary: "A monitoring run's progress: slices done, households examined, warnings opened",
    responses: { 200: { description: 'the job', body: R.MonitoringJob } },
    problems: [404],
  },
  'GET /monitoring/warnings': {
    tag: 'monitoring',
    summary: 'The open monitoring warnings',
    query: WarningListQuery,
    responses: { 200: { description: 'the open warnings', body: R.WarningList } },
    problems: [404],
  },
  'POST /households/{householdId}/warnings/{warningId}/close': {
    tag: 'monitoring',
    summary: 'Close a warning after the follow-up',
    body: { schema: CloseWarningBody, required: true, maxBytes: KB16 },
    responses: { 200: { description: 'closed', body: R.WarningClosed } },
    problems: [404, 409, 422],
  },

  'GET /ops/attention': {
    tag: 'operations',
    summary: 'What needs a person now: failed and stuck claims, reviews waiting too long, disabled endpoints, claims past the payment target',
    query: AttentionQuery,
    responses: { 200: { description: 'the list and its counts', body: R.Attention } },
    problems: [],
  },
  'GET /workflows/claims/definition': {
    tag: 'operations',
    summary: "The claim workflow's state machine as a graph (no resources, no parameters)",
    responses: { 200: { description: 'the graph', body: R.WorkflowDefinition, headers: ['Cache-Control'] } },
    problems: [404],
  },
};
