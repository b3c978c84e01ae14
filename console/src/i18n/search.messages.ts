/** Claim search: the CSV export (console/src/pages/Search.tsx). */
export const zh = {
  'search.csv': '导出 CSV',
  'search.csvProgress': '正在导出：已获取 {{n}} 条',
  'search.csvDone': '已导出 {{n}} 条',
  'search.csvCapped': '已导出前 {{n}} 条（上限）；请缩小查询范围。',
  'search.csvHint': '导出当前查询条件下的全部结果（逐页获取，最多 {{max}} 条），UTF-8 带 BOM，可直接用 Excel 打开。',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'search.csv': 'Export CSV',
  'search.csvProgress': 'Exporting: {{n}} rows fetched',
  'search.csvDone': 'Exported {{n}} rows',
  'search.csvCapped': 'Exported the first {{n}} rows (the cap); narrow the search.',
  'search.csvHint': 'Exports every result of the current search (fetched page by page, at most {{max}} rows), UTF-8 with a BOM so Excel opens it.',
};
