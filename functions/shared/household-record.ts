/**
 * The household as stored in the registry table, and its check on read. Identity numbers are there only as a keyed
 * hash and a masked form (registry-repo.ts toStoredHousehold drops the raw number before anything is written).
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import type { ClosedWarning, Household, OpenWarning } from '#core/index.js';
import { checkedItem, checkedItems } from './stored-item.js';

export interface StoredMember {
  personId: string;
  name?: string;
  birthDate?: string;
  idMasked?: string;
  idHash?: string;
}

export type StoredHousehold = Omit<Household, 'members'> & {
  members: StoredMember[];
  updatedAt: string;
  /** Key of the registry index an index event fans out over (scheme, county, slice). */
  fanoutShard?: string;
  /** Key of the registry index GET /households and the monitoring job page through (scheme, slice). */
  schemeShard?: string;
  /** The schemeId while the household has an open warning (sparse index byOpenWarning); owned by monitoring. */
  warnedScheme?: string;
  /** Monitoring warnings (spec 7), owned by the monitoring module: a registry import never touches them. */
  openWarnings?: OpenWarning[];
  closedWarnings?: ClosedWarning[];
  /** Every warningId ever opened on this household (a string set), so a warning is never opened twice. */
  warningIds?: Set<string>;
};

const Member = z.object({
  personId: z.string().min(1),
  idHash: z.string().optional(),
  idMasked: z.string().optional(),
});

/** What a warning's readers use: its id (never opened twice), type and level (filters, follow-up) and time. */
const Warning = z.object({ warningId: z.string().min(1), type: z.string(), level: z.string(), openedAt: z.string() });

/**
 * What the rules, the fan-out, monitoring and the identity index read of a household, checked on every read. Left
 * out: the members' names and birth dates and the enrolment's insured quantities (shown or multiplied as stored,
 * optional everywhere), and the warnings' evidence (shown as stored). An item imported before `exitedOn` was
 * always written has none: null and absent are both accepted.
 */
const HouseholdItem = z.object({
  householdId: z.string().min(1),
  schemeId: z.string().min(1),
  county: z.string(),
  category: z.string(),
  verifiedYear: z.number().int(),
  monthlyIncome: z.number().int().optional(),
  previousMonthlyIncome: z.number().int().optional(),
  exitedOn: z.string().nullish(),
  members: z.array(Member),
  enrollment: z.object({ products: z.array(z.string()), start: z.string(), end: z.string() }),
  updatedAt: z.string(),
  openWarnings: z.array(Warning).optional(),
  closedWarnings: z.array(Warning).optional(),
  warningIds: z.set(z.string()).optional(),
});

/** A registry item as a household, or MalformedItem naming the household and the fields at fault. */
export function storedHousehold(item: unknown, householdId: string): StoredHousehold {
  return checkedItem<typeof HouseholdItem, StoredHousehold>(HouseholdItem, item, { table: 'registry', key: householdId, what: 'household' });
}

/** Registry items read by a Query or BatchGet, each checked. */
export function storedHouseholds(items: readonly unknown[] | undefined): StoredHousehold[] {
  return checkedItems<typeof HouseholdItem, StoredHousehold>(HouseholdItem, items, { table: 'registry', what: 'household' }, (i) => i.householdId);
}
