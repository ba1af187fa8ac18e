import { DecodeError } from './decode-error';
import {
  FieldRule,
  isCollection,
  isCollectionList,
  isEpoch,
  isRowId,
  isRowIdList,
  isSeq,
  isString,
} from './field-rule';
import { Violation } from './frame-check';
import { Limits } from './limits';

const nonEmpty = (max: number) => `a non-empty string of at most ${max} characters`;
const upTo = (max: number) => `a string of at most ${max} characters`;

/** The rule each `FieldRule` states, as a sentence ends: `"seq" must be …`. */
const RULE_SENTENCES = new Map<FieldRule, string>([
  [isString, 'must be a string'],
  [isSeq, 'must be a non-negative safe integer'],
  [isCollection, `must be ${nonEmpty(Limits.collectionLength)}`],
  [isEpoch, `must be ${nonEmpty(Limits.epochLength)}`],
  [isRowId, `must be a finite number or ${upTo(Limits.idLength)}`],
  [
    isCollectionList,
    `must be a non-empty array of at most ${Limits.collectionsPerFrame} collection names, each ${nonEmpty(Limits.collectionLength)}`,
  ],
  [
    isRowIdList,
    `must be a non-empty array of at most ${Limits.idsPerFrame} ids, each a finite number or ${upTo(Limits.idLength)}`,
  ],
]);

/** Turns a `Violation` into a `DecodeError` whose message names the field and the rule. */
export function describeViolation(
  v: Violation,
  side: 'server' | 'client',
  maxLength: number,
): DecodeError {
  const error: DecodeError = { code: v.code, message: messageOf(v, side, maxLength) };
  if (v.field !== undefined) error.field = v.field;
  return error;
}

function messageOf(v: Violation, side: 'server' | 'client', maxLength: number): string {
  switch (v.code) {
    case 'not_text':
      return 'frames must be JSON text, not binary';
    case 'too_large':
      return `frame of ${v.detail} characters exceeds the limit of ${maxLength}`;
    case 'not_json':
      return 'frame is not valid JSON';
    case 'not_object':
      return v.field
        ? 'frame has neither a string "collection" nor a string "type"'
        : 'frame must be a JSON object';
    case 'unknown_type':
      return `unknown ${side} frame type "${String(v.detail).slice(0, 64)}"`;
    case 'bad_field':
      return `"${v.field}" ${RULE_SENTENCES.get(v.rule!) ?? 'breaks its rule'}`;
  }
}
