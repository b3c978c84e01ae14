/**
 * A read-only table for the case file and its graph: a plain <table> that looks like Ant Design's small table.
 * Ant Design's Table measures the scrollbar with a forced layout of the whole page when it mounts (about 20–30 ms
 * each on a cold tab, and the case file shows up to seven), generates its styles at run time, and brings a
 * 270 KB chunk; these tables neither sort, page nor scroll, so none of that buys anything here.
 */
import type { Key, ReactNode } from 'react';
import './ReadTable.css';

export interface ReadColumn<T> {
  readonly key: string;
  readonly title: ReactNode;
  readonly render: (row: T, index: number) => ReactNode;
  readonly align?: 'left' | 'right';
  readonly width?: number;
}

export function ReadTable<T>({
  label,
  rows,
  rowKey,
  columns,
  empty,
}: {
  label: string;
  rows: readonly T[];
  rowKey: (row: T, index: number) => Key;
  columns: readonly ReadColumn<T>[];
  empty?: ReactNode;
}) {
  return (
    <div className="fp-read-table">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={{ textAlign: c.align, width: c.width }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="fp-read-table-empty">
                {empty ?? '—'}
              </td>
            </tr>
          ) : (
            rows.map((row, i) => {
              const key = rowKey(row, i);
              return (
                <tr key={key} data-row-key={String(key)}>
                  {columns.map((c) => (
                    <td key={c.key} style={c.align ? { textAlign: c.align } : undefined}>
                      {c.render(row, i)}
                    </td>
                  ))}
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
