/**
 * Every sentence the domain core writes for people, in both languages. Chinese uses the policy documents' own
 * terms (起付线, 分段按比例, 封顶线, 共保体, 建档立卡); the English sentences are the ones fangpin has always
 * written, so an English reader sees no change.
 *
 * Placeholders are i18next's: `{{name, yuan}}` renders fen as 9,600.00, `{{name, pct}}` renders basis points
 * as 80%, `{{name, stage}}` (also `cause`, `damage`) renders a code, or a list of codes joined by ", ", through
 * the `term.stage.*` table (an unknown code shows as itself).
 * test/core/i18n.test.ts proves both languages have the same keys and the same placeholders.
 */

import { TEXTS_ZH } from './texts.js';

const en = {
  // ---- assessment explanations (one sentence a step) ----
  'explain.medical.selfPay':
    'self-pay = {{totalCost, yuan}} − {{basicInsurancePaid, yuan}} basic − {{criticalIllnessPaid, yuan}} critical illness − {{medicalAssistancePaid, yuan}} assistance − {{otherReimbursement, yuan}} other − {{nonCoveredCost, yuan}} not covered = {{selfPay, yuan}} yuan',
  'explain.medical.cumulative': 'cumulative self-pay this year: {{before, yuan}} before, {{after, yuan}} after; deductible {{deductible, yuan}}',
  'explain.medical.band': 'band {{from, yuan}}–{{to, yuan}} above the deductible at {{bp, pct}}: {{thisClaim, yuan}} of this claim falls here',
  'explain.medical.bandOpen': 'band {{from, yuan}}–∞ above the deductible at {{bp, pct}}: {{thisClaim, yuan}} of this claim falls here',
  'explain.medical.uplift':
    'county {{county}} uplift {{upliftBp}} bp; benefit(S) = min(S, floor(Σ overlap × bp × uplift / 10^8)): {{before, yuan}} before, {{after, yuan}} after, increment {{increment, yuan}}',
  'explain.medical.cap': 'annual cap {{cap, yuan}} × uplift = {{capUplifted, yuan}}; already paid {{paidBefore, yuan}}; room {{capRoom, yuan}}',
  'explain.medical.payout': 'payout = min({{increment, yuan}}, {{capRoom, yuan}}) = {{payout, yuan}} yuan',
  'explain.medical.payoutCapped': 'payout = min({{increment, yuan}}, {{capRoom, yuan}}) = {{payout, yuan}} yuan (limited by the annual cap)',

  'explain.cap.household': 'annual cap per household {{cap, yuan}}, already paid {{paidBefore, yuan}}, room {{capRoom, yuan}}',
  'explain.cap.person': 'annual cap per person {{cap, yuan}}, already paid {{paidBefore, yuan}}, room {{capRoom, yuan}}',
  'explain.cap.outpatient': 'annual outpatient cap {{cap, yuan}}, already paid {{paidBefore, yuan}}, room {{capRoom, yuan}}',
  'explain.cap.sumInsured':
    'death and disability share the sum insured per year: {{cap, yuan}}, already paid {{paidBefore, yuan}}, room {{capRoom, yuan}}',
  'explain.cap.industry':
    'one household cap a year across indemnity and index cover {{cap, yuan}}, already paid {{paidBefore, yuan}}, room {{capRoom, yuan}}',
  'explain.capped.payout': 'payout = min({{benefit, yuan}}, {{capRoom, yuan}}) = {{payout, yuan}} yuan',

  'explain.accident.outpatient': 'outpatient expense {{expense, yuan}} − {{deduction, yuan}} per-claim deduction = {{afterDeduction, yuan}}',
  'explain.accident.outpatientRatio': '× {{bp, pct}} = {{benefit, yuan}} (floored to the fen)',
  'explain.accident.death': 'death: the sum insured {{sumInsured, yuan}}',
  'explain.accident.disability':
    'disability grade {{grade}}: sum insured {{sumInsured, yuan}} × (11 − {{grade}}) × {{stepBp, pct}} = {{benefit, yuan}}',
  'explain.education': '{{stage, stage}} expense {{expense, yuan}} × {{bp, pct}} = {{benefit, yuan}}',
  'explain.disaster': '{{cause, cause}} {{damage, damage}}: assessed loss {{assessedLoss, yuan}} × {{bp, pct}} = {{benefit, yuan}}',
  'explain.industry.indemnity': 'indemnity: assessed loss {{assessedLoss, yuan}} × {{bp, pct}} = {{benefit, yuan}}',
  'explain.industry.strike':
    'strike = floor(cost {{costPrice}} fen/kg × (10000 − {{dropBp}}) / 10000) = {{strike}} fen/kg; observed {{observedPrice}} fen/kg triggers',
  'explain.industry.priceGross': '({{strike}} − {{observedPrice}}) × {{quantity}} kg = {{gross, yuan}}',
  'explain.industry.weather':
    '{{windowDays}}-day rainfall {{rainfallMm}} mm falls in band {{minMm}}–{{maxMm}} mm: {{perMu, yuan}} per mu × {{mu}} mu = {{benefit, yuan}}',
  'explain.industry.weatherOpen':
    '{{windowDays}}-day rainfall {{rainfallMm}} mm falls in band {{minMm}}–∞ mm: {{perMu, yuan}} per mu × {{mu}} mu = {{benefit, yuan}}',
  'explain.loan.loss':
    'loss = principal {{principal, yuan}} + interest {{interest, yuan}} − recoveries {{recoveries, yuan}} = {{loss, yuan}} (never below 0)',
  'explain.loan.split': 'insurer share = floor((loss × {{insurerBp}} + 5000) / 10000) = {{insurerShare, yuan}}; bank keeps {{bankShare, yuan}}',
  'explain.loan.payout': 'payout {{payout, yuan}} yuan to the bank {{bankId}} as payee; no annual cap',

  // ---- why a claim was refused (reasonDetail; the reasonCode beside it never changes) ----
  'reason.HOUSEHOLD_NOT_FOUND': 'household {{householdId}} is not in the registry',
  'reason.PERSON_NOT_IN_HOUSEHOLD': 'person {{personId}} is not a member of household {{householdId}}',
  'reason.CATEGORY_NOT_ELIGIBLE': "category {{category}} is not one of {{schemeId}}'s categories",
  'reason.NOT_ENROLLED.scheme': 'household is enrolled in {{enrolledIn}}, not {{schemeId}}',
  'reason.NOT_ENROLLED.product': 'household is not enrolled in {{product}}',
  'reason.OUTSIDE_POLICY_PERIOD': 'incident {{incidentDate}} is outside the enrolment {{start}}..{{end}}',
  'reason.HOUSEHOLD_EXITED': 'household exited on {{exitedOn}}; covered only for incidents before that day',
  'reason.DUPLICATE_INVOICE': 'this hospital invoice was already claimed',
  'reason.EXCLUDED_CAUSE': 'cause {{cause, cause}} is excluded by the scheme',
  'reason.DAMAGE_NOT_COVERED': 'damage {{damage, damage}} is not covered; covered: {{covered, damage}}',
  'reason.STAGE_NOT_ELIGIBLE': 'stage {{stage, stage}} is not covered; covered: {{covered, stage}}',
  'reason.INDEX_NOT_TRIGGERED.noPriceIndex': 'the scheme has no price index cover',
  'reason.INDEX_NOT_TRIGGERED.price':
    'observed price {{observedPrice}} fen/kg is above the strike {{strike}} fen/kg ({{dropBp, pct}} below cost {{costPrice}})',
  'reason.INDEX_NOT_TRIGGERED.weather': 'rainfall {{rainfallMm}} mm does not reach the first band of the weather index',
  'reason.REVIEW_REJECTED': 'rejected in review',

  // ---- codes shown inside sentences ----
  'term.stage.PRESCHOOL': 'PRESCHOOL',
  'term.stage.PRIMARY': 'PRIMARY',
  'term.stage.JUNIOR_SECONDARY': 'JUNIOR_SECONDARY',
  'term.stage.SENIOR_SECONDARY': 'SENIOR_SECONDARY',
  'term.stage.VOCATIONAL': 'VOCATIONAL',
  'term.stage.HIGHER': 'HIGHER',
  'term.cause.FLOOD': 'FLOOD',
  'term.cause.RAINSTORM': 'RAINSTORM',
  'term.cause.TYPHOON': 'TYPHOON',
  'term.cause.LANDSLIDE': 'LANDSLIDE',
  'term.cause.SNOW': 'SNOW',
  'term.cause.HAIL': 'HAIL',
  'term.cause.FIRE': 'FIRE',
  'term.cause.ACCIDENT': 'ACCIDENT',
  'term.cause.EARTHQUAKE': 'EARTHQUAKE',
  'term.cause.OTHER': 'OTHER',
  'term.damage.COLLAPSE': 'COLLAPSE',
  'term.damage.PARTIAL': 'PARTIAL',

  // ---- the public notice's CSV headers and product names (functions/api/public-notice.ts) ----
  'csv.summary.section': 'section',
  'csv.summary.key': 'key',
  'csv.summary.claims': 'claims',
  'csv.summary.amount': 'amount_fen_or_value',
  'notice.claimId': 'claim',
  'notice.name': 'name',
  'notice.county': 'county',
  'notice.product': 'product',
  'notice.payout': 'payout (yuan)',
  'notice.approvedOn': 'approved on',
  'term.product.MEDICAL': 'MEDICAL',
  'term.product.ACCIDENT': 'ACCIDENT',
  'term.product.EDUCATION': 'EDUCATION',
  'term.product.DISASTER': 'DISASTER',
  'term.product.INDUSTRY': 'INDUSTRY',
  'term.product.LOAN_GUARANTEE': 'LOAN_GUARANTEE',

  // ---- problem+json titles of the HTTP API (the `type` URI, not the title, identifies the problem) ----
  'problem.Above authority limit': 'Above authority limit',
  'problem.Too many rows': 'Too many rows',
  'problem.Claim moving': 'Claim moving',
  'problem.Sample too large': 'Sample too large',
  'problem.Not in sample': 'Not in sample',
  'problem.Finding already recorded': 'Finding already recorded',
  'problem.Already amended': 'Already amended',
  'problem.Four eyes': 'Four eyes',
  'problem.Not returned': 'Not returned',
  'problem.Not the submitter': 'Not the submitter',
  'problem.Not allowed to read evidence': 'Not allowed to read evidence',
  'problem.Too many attachments': 'Too many attachments',
  'problem.Already attached': 'Already attached',
  'problem.Not verified': 'Not verified',
  'problem.Already confirmed': 'Already confirmed',
  'problem.Bad request': 'Bad request',
  'problem.Console not built': 'Console not built',
  'problem.Method not allowed': 'Method not allowed',
  'problem.Already redriven': 'Already redriven',
  'problem.Already reviewed': 'Already reviewed',
  'problem.Bad Idempotency-Key': 'Bad Idempotency-Key',
  'problem.Bad cursor': 'Bad cursor',
  'problem.Bad limit': 'Bad limit',
  'problem.Bad query': 'Bad query',
  'problem.Cannot redrive': 'Cannot redrive',
  'problem.Forbidden': 'Forbidden',
  'problem.Idempotency key reused': 'Idempotency key reused',
  'problem.Internal error': 'Internal error',
  'problem.Monitoring failed': 'Monitoring failed',
  'problem.Malformed JSON': 'Malformed JSON',
  'problem.No execution': 'No execution',
  'problem.Not failed': 'Not failed',
  'problem.Not found': 'Not found',
  'problem.Not open': 'Not open',
  'problem.Not pending review': 'Not pending review',
  'problem.Not ready': 'Not ready',
  'problem.Observation already recorded': 'Observation already recorded',
  'problem.Payload too large': 'Payload too large',
  'problem.Unauthorized': 'Unauthorized',
  'problem.Unsupported media type': 'Unsupported media type',
  'problem.Validation failed': 'Validation failed',
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  'explain.medical.selfPay':
    '政策范围内个人自付 = 医疗总费用 {{totalCost, yuan}} 元 − 基本医保 {{basicInsurancePaid, yuan}} 元 − 大病保险 {{criticalIllnessPaid, yuan}} 元 − 医疗救助 {{medicalAssistancePaid, yuan}} 元 − 其他报销 {{otherReimbursement, yuan}} 元 − 目录外费用 {{nonCoveredCost, yuan}} 元 = {{selfPay, yuan}} 元',
  'explain.medical.cumulative': '本年度累计个人自付：本次前 {{before, yuan}} 元，本次后 {{after, yuan}} 元；起付线 {{deductible, yuan}} 元',
  'explain.medical.band': '起付线以上 {{from, yuan}}–{{to, yuan}} 元段按 {{bp, pct}} 赔付（分段按比例）：本次有 {{thisClaim, yuan}} 元落在此段',
  'explain.medical.bandOpen': '起付线以上 {{from, yuan}} 元以上段按 {{bp, pct}} 赔付（分段按比例）：本次有 {{thisClaim, yuan}} 元落在此段',
  'explain.medical.uplift':
    '区县 {{county}} 上浮 {{upliftBp}} 个基点；保障金额(S) = min(S, floor(Σ 分段金额 × 比例 × 上浮 / 10^8))：本次前 {{before, yuan}} 元，本次后 {{after, yuan}} 元，增加 {{increment, yuan}} 元',
  'explain.medical.cap':
    '年度封顶线 {{cap, yuan}} 元 × 上浮 = {{capUplifted, yuan}} 元；本年已赔付 {{paidBefore, yuan}} 元；剩余额度 {{capRoom, yuan}} 元',
  'explain.medical.payout': '赔付金额 = min({{increment, yuan}} 元, {{capRoom, yuan}} 元) = {{payout, yuan}} 元',
  'explain.medical.payoutCapped': '赔付金额 = min({{increment, yuan}} 元, {{capRoom, yuan}} 元) = {{payout, yuan}} 元（受年度封顶线限制）',

  'explain.cap.household': '每户年度封顶线 {{cap, yuan}} 元，本年已赔付 {{paidBefore, yuan}} 元，剩余额度 {{capRoom, yuan}} 元',
  'explain.cap.person': '每人年度封顶线 {{cap, yuan}} 元，本年已赔付 {{paidBefore, yuan}} 元，剩余额度 {{capRoom, yuan}} 元',
  'explain.cap.outpatient': '意外门诊年度封顶线 {{cap, yuan}} 元，本年已赔付 {{paidBefore, yuan}} 元，剩余额度 {{capRoom, yuan}} 元',
  'explain.cap.sumInsured': '身故与伤残每年共用保险金额 {{cap, yuan}} 元，本年已赔付 {{paidBefore, yuan}} 元，剩余额度 {{capRoom, yuan}} 元',
  'explain.cap.industry':
    '产业保险（损失补偿与指数保险合计）每户年度封顶线 {{cap, yuan}} 元，本年已赔付 {{paidBefore, yuan}} 元，剩余额度 {{capRoom, yuan}} 元',
  'explain.capped.payout': '赔付金额 = min({{benefit, yuan}} 元, {{capRoom, yuan}} 元) = {{payout, yuan}} 元',

  'explain.accident.outpatient': '意外门诊费用 {{expense, yuan}} 元 − 每次免赔额 {{deduction, yuan}} 元 = {{afterDeduction, yuan}} 元',
  'explain.accident.outpatientRatio': '× {{bp, pct}} = {{benefit, yuan}} 元（取整到分）',
  'explain.accident.death': '意外身故：保险金额 {{sumInsured, yuan}} 元',
  'explain.accident.disability': '伤残 {{grade}} 级：保险金额 {{sumInsured, yuan}} 元 × (11 − {{grade}}) × {{stepBp, pct}} = {{benefit, yuan}} 元',
  'explain.education': '{{stage, stage}}教育费用 {{expense, yuan}} 元 × {{bp, pct}} = {{benefit, yuan}} 元',
  'explain.disaster': '{{cause, cause}}致房屋{{damage, damage}}：核定损失 {{assessedLoss, yuan}} 元 × {{bp, pct}} = {{benefit, yuan}} 元',
  'explain.industry.indemnity': '损失补偿：核定损失 {{assessedLoss, yuan}} 元 × {{bp, pct}} = {{benefit, yuan}} 元',
  'explain.industry.strike':
    '触发价 = floor(成本价 {{costPrice}} 分/公斤 × (10000 − {{dropBp}}) / 10000) = {{strike}} 分/公斤；监测价 {{observedPrice}} 分/公斤，已触发',
  'explain.industry.priceGross': '({{strike}} − {{observedPrice}}) × {{quantity}} 公斤 = {{gross, yuan}} 元',
  'explain.industry.weather':
    '{{windowDays}} 日累计降雨 {{rainfallMm}} 毫米，落在 {{minMm}}–{{maxMm}} 毫米档：每亩 {{perMu, yuan}} 元 × {{mu}} 亩 = {{benefit, yuan}} 元',
  'explain.industry.weatherOpen':
    '{{windowDays}} 日累计降雨 {{rainfallMm}} 毫米，落在 {{minMm}} 毫米以上档：每亩 {{perMu, yuan}} 元 × {{mu}} 亩 = {{benefit, yuan}} 元',
  'explain.loan.loss':
    '损失 = 未还本金 {{principal, yuan}} 元 + 欠息 {{interest, yuan}} 元 − 追偿所得 {{recoveries, yuan}} 元 = {{loss, yuan}} 元（不低于 0）',
  'explain.loan.split': '保险公司承担 = floor((损失 × {{insurerBp}} + 5000) / 10000) = {{insurerShare, yuan}} 元；银行自担 {{bankShare, yuan}} 元',
  'explain.loan.payout': '向贷款银行 {{bankId}} 赔付 {{payout, yuan}} 元；不设年度封顶线',

  'reason.HOUSEHOLD_NOT_FOUND': '户 {{householdId}} 不在建档立卡名单中',
  'reason.PERSON_NOT_IN_HOUSEHOLD': '人员 {{personId}} 不是户 {{householdId}} 的成员',
  'reason.CATEGORY_NOT_ELIGIBLE': '户类别 {{category}} 不在方案 {{schemeId}} 的保障对象范围内',
  'reason.NOT_ENROLLED.scheme': '该户参保方案为 {{enrolledIn}}，不是 {{schemeId}}',
  'reason.NOT_ENROLLED.product': '该户未参保 {{product}}',
  'reason.OUTSIDE_POLICY_PERIOD': '出险日期 {{incidentDate}} 不在保险期间 {{start}} 至 {{end}} 内',
  'reason.HOUSEHOLD_EXITED': '该户已于 {{exitedOn}} 退出，仅保障此日之前发生的事故',
  'reason.DUPLICATE_INVOICE': '该医院发票已申请过理赔',
  'reason.EXCLUDED_CAUSE': '出险原因“{{cause, cause}}”属于方案的责任免除',
  'reason.DAMAGE_NOT_COVERED': '损失类型“{{damage, damage}}”不在保障范围内；保障范围：{{covered, damage}}',
  'reason.STAGE_NOT_ELIGIBLE': '学段“{{stage, stage}}”不在保障范围内；保障范围：{{covered, stage}}',
  'reason.INDEX_NOT_TRIGGERED.noPriceIndex': '该方案不含价格指数保险',
  'reason.INDEX_NOT_TRIGGERED.price': '监测价 {{observedPrice}} 分/公斤高于触发价 {{strike}} 分/公斤（成本价 {{costPrice}} 下浮 {{dropBp, pct}}）',
  'reason.INDEX_NOT_TRIGGERED.weather': '降雨量 {{rainfallMm}} 毫米未达到天气指数的第一档',
  'reason.REVIEW_REJECTED': '审核未通过',

  'term.stage.PRESCHOOL': '学前',
  'term.stage.PRIMARY': '小学',
  'term.stage.JUNIOR_SECONDARY': '初中',
  'term.stage.SENIOR_SECONDARY': '高中',
  'term.stage.VOCATIONAL': '职业教育',
  'term.stage.HIGHER': '高等教育',
  'term.cause.FLOOD': '洪水',
  'term.cause.RAINSTORM': '暴雨',
  'term.cause.TYPHOON': '台风',
  'term.cause.LANDSLIDE': '山体滑坡',
  'term.cause.SNOW': '雪灾',
  'term.cause.HAIL': '冰雹',
  'term.cause.FIRE': '火灾',
  'term.cause.ACCIDENT': '意外事故',
  'term.cause.EARTHQUAKE': '地震',
  'term.cause.OTHER': '其他原因',
  'term.damage.COLLAPSE': '倒塌',
  'term.damage.PARTIAL': '部分损坏',

  'csv.summary.section': '分类',
  'csv.summary.key': '项目',
  'csv.summary.claims': '件数',
  'csv.summary.amount': '金额（分）或数值',
  'notice.claimId': '赔案号',
  'notice.name': '姓名',
  'notice.county': '区县',
  'notice.product': '险种',
  'notice.payout': '赔付金额（元）',
  'notice.approvedOn': '审批日期',
  'term.product.MEDICAL': '补充医疗保险',
  'term.product.ACCIDENT': '农村小额意外保险',
  'term.product.EDUCATION': '教育保障',
  'term.product.DISASTER': '农房及灾害保险',
  'term.product.INDUSTRY': '产业保险',
  'term.product.LOAN_GUARANTEE': '扶贫贷款保证保险',

  'problem.Above authority limit': '超出审批权限',
  'problem.Too many rows': '结果行数过多',
  'problem.Claim moving': '理赔状态正在变化',
  'problem.Sample too large': '抽查样本过大',
  'problem.Not in sample': '不在抽查样本中',
  'problem.Finding already recorded': '抽查结论已记录',
  'problem.Already amended': '已补正',
  'problem.Four eyes': '违反双人复核（四眼）原则',
  'problem.Not returned': '理赔未被退回',
  'problem.Not the submitter': '不是该理赔的提交人',
  'problem.Not allowed to read evidence': '无权查看该理赔的材料',
  'problem.Too many attachments': '附件数量已达上限',
  'problem.Already attached': '该文件已是本理赔的附件',
  'problem.Not verified': '附件尚未通过校验',
  'problem.Already confirmed': '已确认',
  'problem.Bad request': '请求无效',
  'problem.Console not built': '控制台尚未构建',
  'problem.Method not allowed': '不允许的请求方法',
  'problem.Already redriven': '已重新驱动',
  'problem.Already reviewed': '已审核',
  'problem.Bad Idempotency-Key': '幂等键（Idempotency-Key）无效',
  'problem.Bad cursor': '分页游标无效',
  'problem.Bad limit': '每页条数无效',
  'problem.Bad query': '查询参数无效',
  'problem.Cannot redrive': '无法重新驱动',
  'problem.Forbidden': '无权操作',
  'problem.Idempotency key reused': '幂等键已用于其他请求',
  'problem.Internal error': '内部错误',
  'problem.Monitoring failed': '监测运行失败',
  'problem.Malformed JSON': 'JSON 格式错误',
  'problem.No execution': '没有执行记录',
  'problem.Not failed': '理赔未处于失败状态',
  'problem.Not found': '未找到',
  'problem.Not open': '预警未处于开启状态',
  'problem.Not pending review': '理赔不在待审核状态',
  'problem.Not ready': '尚未就绪',
  'problem.Observation already recorded': '该观测值已记录',
  'problem.Payload too large': '请求体过大',
  'problem.Unauthorized': '未认证',
  'problem.Unsupported media type': '不支持的媒体类型',
  'problem.Validation failed': '校验未通过',
};

/** The call sites' sentences (core/i18n/texts.ts): English is the key, and the English text is the key itself. */
const texts = Object.entries(TEXTS_ZH);

export const CATALOGUE: Readonly<Record<'zh-CN' | 'en', Readonly<Record<string, string>>>> = {
  'zh-CN': { ...zhCN, ...Object.fromEntries(texts.map(([english, chinese]) => [`text.${english}`, chinese])) },
  en: { ...en, ...Object.fromEntries(texts.map(([english]) => [`text.${english}`, english])) },
};
