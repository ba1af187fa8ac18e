import { Limits } from './limits';

/**
 * A check of one field's value. Every rule rejects `null` and never throws, whatever the value.
 * `base` is set on an optional rule: the rule a present value must obey.
 */
export type FieldRule = ((value: unknown) => boolean) & { base?: FieldRule };

/** `rule`, or an absent (`undefined`) field. `null` is a value, and must obey `rule`. */
export const optional = (rule: FieldRule): FieldRule =>
  Object.assign((value: unknown) => value === undefined || rule(value), { base: rule });

// Number.isSafeInteger and Number.isFinite do not coerce: "7" and true are rejected.
export const isString: FieldRule = (value) => typeof value === 'string';
export const isSeq: FieldRule = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
export const isCollection: FieldRule = (value) => isText(value, 1, Limits.collectionLength);
export const isEpoch: FieldRule = (value) => isText(value, 1, Limits.epochLength);
export const isRowId: FieldRule = (value) =>
  isText(value, 0, Limits.idLength) || Number.isFinite(value);
export const isCollectionList: FieldRule = (value) =>
  isList(value, Limits.collectionsPerFrame, isCollection);
export const isRowIdList: FieldRule = (value) => isList(value, Limits.idsPerFrame, isRowId);

function isText(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function isList(value: unknown, max: number, item: FieldRule): boolean {
  return Array.isArray(value) && value.length > 0 && value.length <= max && value.every(item);
}
