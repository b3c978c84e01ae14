/** `npm start -- --demo`: a few registry entries to try claims against, loaded through the API like any admin would. */
import type { Embedded } from './runtime.js';

export const DEMO_HOUSEHOLDS = [
  {
    householdId: 'H-420922-0001',
    schemeId: 'xiaogan-2024',
    county: '420922',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    monthlyIncome: 250000,
    exitedOn: null,
    members: [
      { personId: 'P-1', name: '张三', idNumber: '420922199001011234', birthDate: '1990-01-01' },
      { personId: 'P-2', name: '张小明', idNumber: '420922201201015678', birthDate: '2012-01-01' },
    ],
    enrollment: {
      products: ['MEDICAL', 'EDUCATION', 'DISASTER', 'INDUSTRY'],
      start: '2024-01-01',
      end: '2024-12-31',
      insured: { area_mu: 12, quantity_kg: 500 },
    },
  },
  {
    householdId: 'H-420902-0002',
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'EDGE_AT_RISK',
    verifiedYear: 2023,
    exitedOn: null,
    members: [{ personId: 'P-3', name: '李四', idNumber: '420902198502024321' }],
    enrollment: { products: ['MEDICAL', 'DISASTER'], start: '2024-01-01', end: '2024-12-31' },
  },
  {
    householdId: 'H-331102-0003',
    schemeId: 'lishui-2017',
    county: '331102',
    category: 'DIBAO',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-4', name: '王五', idNumber: '331102197803031111' }],
    enrollment: {
      products: ['MEDICAL', 'ACCIDENT', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'],
      start: '2024-01-01',
      end: '2024-12-31',
      insured: { area_mu: 5.5 },
    },
  },
];

export async function loadDemo(system: Pick<Embedded, 'url' | 'token'>): Promise<number> {
  const res = await fetch(`${system.url}/households`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await system.token('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_HOUSEHOLDS),
  });
  if (!res.ok) throw new Error(`demo registry: ${res.status} ${await res.text()}`);
  return DEMO_HOUSEHOLDS.length;
}
