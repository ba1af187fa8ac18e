import { describeViolation } from './describe-violation';
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
import { Limits } from './limits';

describe('describeViolation', () => {
  it('names the field and states the rule with its limit', () => {
    const cases: [FieldRule, string][] = [
      [isString, '"f" must be a string'],
      [isSeq, '"f" must be a non-negative safe integer'],
      [
        isCollection,
        `"f" must be a non-empty string of at most ${Limits.collectionLength} characters`,
      ],
      [isEpoch, `"f" must be a non-empty string of at most ${Limits.epochLength} characters`],
      [isRowId, `"f" must be a finite number or a string of at most ${Limits.idLength} characters`],
      [isCollectionList, `at most ${Limits.collectionsPerFrame} collection names`],
      [isRowIdList, `at most ${Limits.idsPerFrame} ids`],
    ];
    for (const [rule, sentence] of cases) {
      const error = describeViolation({ code: 'bad_field', field: 'f', rule }, 'client', 1);
      expect(error.field).toBe('f');
      expect(error.message).withContext(sentence).toContain(sentence);
    }
  });

  it('says which side sent an unknown type, and how long a frame over the limit was', () => {
    expect(
      describeViolation({ code: 'unknown_type', field: 'type', detail: 'hello' }, 'client', 1)
        .message,
    ).toBe('unknown client frame type "hello"');
    expect(describeViolation({ code: 'too_large', detail: 70 }, 'server', 64).message).toBe(
      'frame of 70 characters exceeds the limit of 64',
    );
  });

  it('leaves out field when the violation has none', () => {
    expect('field' in describeViolation({ code: 'not_json' }, 'server', 1)).toBeFalse();
  });
});
