/** The pure domain core of fangpin: rules, money and schemes as data. No AWS imports. */
export * from './types.js';
export * from './money.js';
export * from './scheme.js';
export * from './household.js';
export * from './claim.js';
export * from './eligibility.js';
export * from './assess.js';
export * from './split.js';
export * from './premium.js';
export * from './decide.js';
export { medicalSelfPay, medicalBenefit } from './rules/medical.js';
export { loanLossSplit } from './rules/loan-guarantee.js';
export * from './calendar.js';
export * from './replay.js';
export * from './index-event.js';
export * from './corridor.js';
export * from './monitoring.js';
export * from './audit-figures.js';
