/**
 * The Chinese of every sentence the HTTP API and the embedded server write in problem+json details and field
 * errors, keyed by the English the code writes (core/i18n/message.ts `Text`). `{{name}}` placeholders carry
 * ids, codes and numbers, the same on both sides. Terms follow the policy documents and the console: 理赔
 * (claim), 方案 (scheme), 农户/家庭 (household), 复核/审核 (review), 退回 (return), 补正 (amend), 重新驱动 (redrive).
 *
 * test/core/texts.test.ts scans functions/, embedded/ and the request schemas in core/ for the sentences they
 * write and fails on any missing here, and on any written as a JavaScript template string instead of `text()`.
 */
export const TEXTS_ZH: Readonly<Record<string, string>> = {
  // ---- the HTTP layer: routing, tokens, bodies, paging ----
  'no route {{route}}': '没有路由 {{route}}',
  'a valid bearer token with a known role is required': '需要携带有效角色的 Bearer 令牌',
  'a valid bearer token is required': '需要有效的 Bearer 令牌',
  'role {{role}} may not call {{route}}': '角色 {{role}} 无权调用 {{route}}',
  'the request could not be completed; it is safe to retry': '请求未能完成，可以安全地重试',
  'the request could not be completed': '请求未能完成',
  'send the body as application/json': '请求体须为 application/json',
  'must be application/json': '须为 application/json',
  'the body is larger than {{max}} bytes': '请求体超过 {{max}} 字节',
  'at most {{max}} bytes': '最多 {{max}} 字节',
  'the body is not valid JSON': '请求体不是有效的 JSON',
  'not valid JSON': '不是有效的 JSON',
  'cursor is not one this API handed out': '分页游标不是本接口签发的',
  invalid: '无效',
  'limit must be an integer 1..{{max}}': 'limit 须为 1..{{max}} 的整数',
  'integer 1..{{max}}': '1..{{max}} 的整数',
  'bad query': '查询参数无效',
  'invalid request': '请求无效',
  '{{path}}: {{message}}': '{{path}}：{{message}}',
  // the embedded server's own layers
  'the request target is not a valid path': '请求目标不是有效路径',
  'a path parameter is not valid percent-encoding': '路径参数的百分号编码无效',
  'the path is not valid percent-encoding': '路径的百分号编码无效',
  '{{method}} is not allowed on {{path}}': '{{path}} 不允许 {{method}} 请求',
  'no file {{path}}': '没有文件 {{path}}',
  'the web console has not been built: run `npm run console:build` (npm start builds it)':
    '网页控制台尚未构建：请运行 `npm run console:build`（npm start 会自动构建）',

  // ---- claims: submission, idempotency, lists ----
  'this Idempotency-Key was used with a different body': '此 Idempotency-Key 已用于内容不同的请求',
  'already used with a different body': '已用于内容不同的请求',
  'Idempotency-Key must be 1..128 characters': 'Idempotency-Key 须为 1..128 个字符',
  '1..128 characters': '1..128 个字符',
  'weather-index claims are created by index events, not submitted': '气象指数理赔由指数事件生成，不能直接提交',
  'unknown scheme': '未知的方案',
  'unknown scheme; known: {{schemes}}': '未知的方案；已知方案：{{schemes}}',
  '{{product}} is not offered by {{schemeId}}': '方案 {{schemeId}} 不提供 {{product}}',
  'exceeds the enrolled quantity of {{kg}} kg': '超过投保数量 {{kg}} 千克',
  'minPayout is above maxPayout': 'minPayout 大于 maxPayout',
  'minAgeDays is above maxAgeDays': 'minAgeDays 大于 maxAgeDays',
  'sorting by amount needs status=PENDING_REVIEW and no householdId': '按金额排序须指定 status=PENDING_REVIEW，且不能指定 householdId',
  'sorting needs a filter: status or householdId, schemeId, county or product': '排序须有筛选条件：status 或 householdId、schemeId、county、product',
  'cursor belongs to another listing (other filters or sort)': '分页游标属于另一个列表（筛选或排序不同）',
  'cursor does not fit these parameters': '分页游标与这些参数不符',
  'does not fit these parameters': '与这些参数不符',
  'an integer amount in fen': '以分为单位的整数金额',
  'whole days 0..9999': '0..9999 的整天数',
  'a 6-digit county code': '6 位县级行政区划代码',
  'no claim {{claimId}}': '没有理赔 {{claimId}}',
  'the claim has no workflow execution yet': '该理赔尚无流程执行',
  'the claim state machine does not exist': '理赔状态机不存在',

  // ---- redrive ----
  'the claim failed before failures recorded where they stopped; it cannot be resumed safely':
    '该理赔失败于记录失败位置的功能上线之前，无法安全地恢复',
  'claim is {{status}} and its workflow is running; only a failed or stuck claim can be redriven':
    '理赔状态为 {{status}}，其流程仍在运行；只有失败或停滞的理赔可以重新驱动',
  'claim is {{status}} and its workflow has ended; only a failed or stuck claim can be redriven':
    '理赔状态为 {{status}}，其流程已结束；只有失败或停滞的理赔可以重新驱动',
  'the claim changed meanwhile; read it and retry': '该理赔已被修改，请重新读取后再试',
  'the event changed meanwhile; read it and retry': '该事件已被修改，请重新读取后再试',
  'the fan-out is finished; only a failed or stuck one can be redriven': '分发已完成；只有失败或停滞的分发可以重新驱动',
  'the fan-out is running; only a failed or stuck one can be redriven': '分发正在运行；只有失败或停滞的分发可以重新驱动',

  // ---- review, return and amendment ----
  'claim is {{status}}': '理赔状态为 {{status}}',
  'status is {{status}}': '状态为 {{status}}',
  'claim was already reviewed ({{decision}})': '理赔已审核（{{decision}}）',
  'the workflow has not reached the review step yet; retry shortly': '流程尚未进入审核环节，请稍后重试',
  'the workflow has not reached the amendment wait yet; retry shortly': '流程尚未进入等待补正环节，请稍后重试',
  'another reviewer decided first': '另一位审核人已先作出决定',
  'four eyes: {{sub}} submitted this claim and may not approve it': '四眼原则：{{sub}} 提交了该理赔，不得批准',
  'four eyes: {{sub}} recommended this claim; another reviewer must give the final approval':
    '四眼原则：{{sub}} 已建议批准该理赔，须由另一位审核人终审批准',
  "the claim's {{amount}} fen is above the {{limit}} fen a level {{level}} reviewer may approve; no level may approve it":
    '理赔金额 {{amount}} 分超过 {{level}} 级审核人可批准的 {{limit}} 分；没有任何级别可以批准',
  "the claim's {{amount}} fen is above the {{limit}} fen a level {{level}} reviewer may approve; a level {{needed}} reviewer or higher must approve it":
    '理赔金额 {{amount}} 分超过 {{level}} 级审核人可批准的 {{limit}} 分；须由 {{needed}} 级或更高级别的审核人批准',
  'an approval carries no reason code': '批准不带原因代码',
  'a rejection needs a note': '驳回须填写说明',
  'a return needs a note': '退回须填写说明',
  'a return needs a reason code: one of {{codes}}': '退回须填写原因代码，取值之一：{{codes}}',
  'send details, incidentDate or both': '请提交 details、incidentDate 或两者',
  "only the claim's submitter may amend it; {{sub}} did not submit it": '只有理赔的提交人可以补正；{{sub}} 不是提交人',
  'claim is {{status}}; only a returned claim can be amended': '理赔状态为 {{status}}；只有被退回的理赔可以补正',

  // ---- settlements and webhooks ----
  'no settlement {{settlementId}}': '没有结算单 {{settlementId}}',
  'this settlement was already confirmed with another reference': '该结算单已用其他凭证号确认',
  'an objection took the claim back to review before this confirmation; do not pay this settlement':
    '确认前已有异议使该理赔退回审核，请勿支付此结算单',
  'expected an ISO-8601 instant': '应为 ISO-8601 时间点',
  'no delivery {{deliveryId}}': '没有推送记录 {{deliveryId}}',
  'only a failed delivery can be replayed': '只有失败的推送可以重放',
  'must be an http(s) URL': '须为 http(s) 网址',

  // ---- households and the registry ----
  'no household {{householdId}}': '没有家庭 {{householdId}}',
  'duplicate person in household': '家庭中有重复的成员',
  'not a category of {{schemeId}}: {{categories}}': '不是方案 {{schemeId}} 的人员类别：{{categories}}',
  'not offered by {{schemeId}}': '方案 {{schemeId}} 不提供',
  'expected a JSON array of 1..{{max}} households': '应为包含 1..{{max}} 户的 JSON 数组',
  'expected a date YYYY-MM-DD': '应为 YYYY-MM-DD 格式的日期',
  'not a calendar date': '不是有效的日历日期',
  'expected an 18-character identity number': '应为 18 位身份证号码',
  'at most two decimals': '最多两位小数',
  'totalCost is below the reimbursements plus non-covered cost: self-pay would be negative':
    'totalCost 小于各项报销与目录外费用之和：自付金额将为负数',
  'outstandingPrincipal + unpaidInterest must not exceed 2^53 − 1 fen': 'outstandingPrincipal + unpaidInterest 不得超过 2^53 − 1 分',

  // ---- index events ----
  'no index event {{eventId}}': '没有指数事件 {{eventId}}',
  'the event has no fan-out execution yet': '该事件尚无分发执行',
  'byStatus must be true or false': 'byStatus 须为 true 或 false',
  'true or false': 'true 或 false',
  'expected a 6-digit county code': '应为 6 位县级行政区划代码',
  'end must not be before start': '结束日期不得早于开始日期',
  'recorded as {{value}}': '已记录为 {{value}}',
  'event {{eventId}} for this scheme, county and period was recorded with other figures ({{fields}}); it is not re-run':
    '该方案、县和期间的事件 {{eventId}} 已按其他数值记录（{{fields}}），不会重新运行',
  '{{schemeId}} does not offer INDUSTRY cover': '方案 {{schemeId}} 不提供产业保障（INDUSTRY）',
  '{{schemeId}} has no weather index cover': '方案 {{schemeId}} 没有气象指数保障',
  '{{schemeId}} has no price index cover': '方案 {{schemeId}} 没有价格指数保障',

  // ---- monitoring and reports ----
  'no scheme {{schemeId}}': '没有方案 {{schemeId}}',
  'schemeId must be 1..128 characters': 'schemeId 须为 1..128 个字符',
  'the query and the body name different schemes': '查询参数与请求体指定的方案不同',
  'household {{householdId}} has no open warning {{warningId}}': '家庭 {{householdId}} 没有未关闭的预警 {{warningId}}',
  'format must be json or csv': 'format 须为 json 或 csv',
  'json or csv': 'json 或 csv',
  'encoding must be utf-8 or gb18030': 'encoding 须为 utf-8 或 gb18030',
  'utf-8 or gb18030': 'utf-8 或 gb18030',

  // ---- the medical insurance bureau's feed (core/medical-feed.ts) ----
  'before admissionDate': '早于入院日期',
  'must not be negative': '不得为负数',
  'an integer amount in fen (no decimals, no separators)': '以分为单位的整数金额（无小数、无分隔符）',
  'above 2^53 − 1 fen': '超过 2^53 − 1 分',
  required: '必填',
  'at most 128 characters': '最多 128 个字符',
  // a row's problems, kept as data and rendered for each reader (core/medical-feed.ts sayRowProblem)
  'line {{line}}: {{field}}: {{problem}}': '第 {{line}} 行：{{field}}：{{problem}}',
  'line {{line}}: {{problem}}': '第 {{line}} 行：{{problem}}',
  'expected {{expected}} fields, found {{found}}': '应为 {{expected}} 个字段，实有 {{found}} 个',
  'field {{field}}: text after a closing quote': '第 {{field}} 个字段：闭合引号之后还有文字',
  'field {{field}}: a quote inside an unquoted field': '第 {{field}} 个字段：未加引号的字段中含有引号',
  'invoice already filed by line {{line}} of this file': '该发票已由本文件第 {{line}} 行申报',
  'invoice already filed by line {{line}} of this file with other figures; not filed': '该发票已由本文件第 {{line}} 行以不同数据申报；本行不予申报',
  'invoice already filed by line {{line}} of feed {{feedId}}': '该发票已由医保数据文件 {{feedId}} 第 {{line}} 行申报',
  'invoice already filed by line {{line}} of feed {{feedId}} with other figures; not filed':
    '该发票已由医保数据文件 {{feedId}} 第 {{line}} 行以不同数据申报；本行不予申报',
  'invoice already filed by claim {{claimId}}': '该发票已由理赔 {{claimId}} 申报',
  'invoice already filed by claim {{claimId}} with other figures; not filed': '该发票已由理赔 {{claimId}} 以不同数据申报；本行不予申报',
  'the identity number is in {{count}} households of the registry; correct the registry and send the row again':
    '该身份证号在登记名册中属于 {{count}} 个家庭；请更正名册后重新发送此行',

  // ---- public notice (公示), objections and after-payment audit samples ----
  'a date YYYY-MM-DD': 'YYYY-MM-DD 格式的日期',
  'from is after to': 'from 晚于 to',
  'a notice covers at most {{max}} days': '一次公示最多覆盖 {{max}} 天',
  'period too long': '期间过长',
  'more than {{max}} claims in the period: ask for a shorter period or one county': '该期间的理赔超过 {{max}} 件：请缩短期间或只查一个县',
  'an encoding applies to format=csv only': 'encoding 仅适用于 format=csv',
  'an objection needs its text': '异议须填写内容',
  'this Idempotency-Key was used with a different objection': '此 Idempotency-Key 已用于内容不同的异议',
  'the claim kept changing while the objection was recorded; retry': '记录异议期间理赔不断变化，请重试',
  '{{count}} claims would be sampled, at most {{max}}: raise minPayout, lower randomBp or shorten the period':
    '将抽取 {{count}} 件理赔，最多 {{max}} 件：请提高 minPayout、降低 randomBp 或缩短期间',
  'too many claims sampled': '抽取的理赔过多',
  'the sample is being drawn; retry': '抽样正在进行，请重试',
  'no audit sample {{sampleId}}': '没有抽样 {{sampleId}}',
  'claim {{claimId}} is not in sample {{sampleId}}': '理赔 {{claimId}} 不在抽样 {{sampleId}} 中',
  'not in this sample': '不在此抽样中',
  'claim {{claimId}} already has a finding in this sample': '理赔 {{claimId}} 在此抽样中已有核查结论',
  'finding already recorded': '核查结论已记录',
  'an ISSUE finding needs a note': 'ISSUE 结论须填写说明',
  'the monitoring job {{jobId}} failed: {{error}}': '监测任务 {{jobId}} 失败：{{error}}',
  'no monitoring job {{jobId}}': '没有监测任务 {{jobId}}',

  // ---- evidence: attachments and notes ----
  'one of application/pdf, image/jpeg, image/png': '须为 application/pdf、image/jpeg 或 image/png 之一',
  'at most 10,485,760 bytes (10 MB)': '最多 10,485,760 字节（10 MB）',
  "the file's SHA-256 as 64 hex digits": '文件的 SHA-256，64 位十六进制数字',
  "only the claim's submitter may attach files; {{sub}} did not submit it": '只有理赔的提交人可以上传附件；{{sub}} 不是提交人',
  'a claim carries at most {{max}} attachments': '一件理赔最多 {{max}} 个附件',
  'this file is already attached to the claim as {{attachmentId}}, under another name or type':
    '该文件已以其他名称或类型作为附件 {{attachmentId}} 上传到此理赔',
  'this file is already attached to the claim as {{attachmentId}} ({{status}})': '该文件已作为附件 {{attachmentId}} 上传到此理赔（{{status}}）',
  'already attached as {{attachmentId}}': '已作为附件 {{attachmentId}} 上传',
  'claim {{claimId}} has no attachment {{attachmentId}}': '理赔 {{claimId}} 没有附件 {{attachmentId}}',
  'attachment {{attachmentId}} is {{status}}: only a file whose SHA-256 was checked on arrival is handed out':
    '附件 {{attachmentId}} 的状态为 {{status}}：只提供到达时已核对 SHA-256 的文件',
  'a note needs text': '备注须填写内容',
  'this Idempotency-Key was used with a different note': '此 Idempotency-Key 已用于内容不同的备注',

  // ---- the medical insurance bureau's feed: the routes ----
  'send the feed file as text/csv or application/octet-stream': '请以 text/csv 或 application/octet-stream 发送申报文件',
  'must be text/csv or application/octet-stream': '须为 text/csv 或 application/octet-stream',
  'required (query parameter)': '必填（查询参数）',
  'no medical feed {{feedId}}': '没有医保数据文件 {{feedId}}',
  'report or progress': 'report 或 progress',
  'the progress view is JSON only': '进度视图仅提供 JSON',
  'the feed is DONE; only a feed whose workflow failed can be redriven': '该医保数据文件已处理完毕（DONE）；只有工作流失败的文件可以重跑',
  'execution {{name}} is still running; only a feed whose workflow failed can be redriven': '执行 {{name}} 仍在运行；只有工作流失败的文件可以重跑',
  'execution {{name}} succeeded; only a feed whose workflow failed can be redriven': '执行 {{name}} 已成功；只有工作流失败的文件可以重跑',
  'the feed changed meanwhile; read it and retry': '该医保数据文件已被修改；请重新读取后重试',

  // ---- the medical insurance bureau's feed: a file refused whole (core/medical-feed.ts) ----
  'the file is {{size}} bytes; the limit is {{max}} bytes ({{mib}} MiB)': '文件大小为 {{size}} 字节，上限为 {{max}} 字节（{{mib}} MiB）',
  "unknown encoding '{{encoding}}'; known: {{known}}": "未知的编码 '{{encoding}}'；已知编码：{{known}}",
  'the file is not valid {{encoding}}': '文件不是有效的 {{encoding}} 文本',
  'the file starts with a UTF-8 byte order mark but is not valid UTF-8': '文件以 UTF-8 字节顺序标记开头，但不是有效的 UTF-8',
  'the file is neither UTF-8 nor GB18030 text': '文件既不是 UTF-8 也不是 GB18030 文本',
  'the file is not CSV text (it contains NUL bytes)': '文件不是 CSV 文本（含有 NUL 字节）',
  'line {{line}}: a quoted field is never closed': '第 {{line}} 行：引号字段没有闭合',
  'the file is empty; the first line must be the header: {{header}}': '文件为空；第一行须为表头：{{header}}',
  'the file has {{rows}} rows; the limit is {{max}}': '文件有 {{rows}} 行，上限为 {{max}} 行',
  'line 1 is not a CSV header: field {{field}} has a stray quote; expected: {{expected}}':
    '第 1 行不是 CSV 表头：第 {{field}} 个字段有多余的引号；应为：{{expected}}',
  "the header ends after {{count}} columns: column {{column}} must be '{{name}}'; expected: {{expected}}":
    "表头只有 {{count}} 列：第 {{column}} 列须为 '{{name}}'；应为：{{expected}}",
  "header column {{column}} is '{{seen}}', expected '{{name}}'; expected: {{expected}}":
    "表头第 {{column}} 列为 '{{seen}}'，应为 '{{name}}'；完整表头：{{expected}}",
  'the header has {{count}} columns, expected {{columns}}: {{expected}}': '表头有 {{count}} 列，应为 {{columns}} 列：{{expected}}',
};
