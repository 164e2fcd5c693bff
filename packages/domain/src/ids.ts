import { err, ok, type Result } from './result.js';
import { codePointLength, textFault } from './text.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A task's id, assigned by the store: a positive safe integer. */
export type TaskId = Brand<number, 'TaskId'>;
/** The id of the user who acts, and who owns tasks: the token's subject. */
export type UserId = Brand<string, 'UserId'>;

export const isTaskId = (value: number): value is TaskId => Number.isSafeInteger(value) && value > 0;

export const taskId = (value: number): TaskId => {
  if (!isTaskId(value)) throw new RangeError(`not a task id: ${value}`);
  return value;
};

/** The longest user id, in code points: what the database's `char_length(user_id) between 1 and 255` allows. */
export const USER_ID_MAX_LENGTH = 255;

/** A user id is a valid text (`textFault`) of 1 to 255 characters (code points); otherwise, why not. */
export function parseUserId(raw: string): Result<UserId, string> {
  if (raw.length === 0) return err('must not be empty');
  const fault = textFault(raw);
  if (fault !== null) return err(fault);
  if (codePointLength(raw) > USER_ID_MAX_LENGTH) return err(`must be at most ${USER_ID_MAX_LENGTH} characters`);
  return ok(raw as UserId);
}

/** A user id known to be valid (from a verified token); an invalid one is a bug, and throws. */
export const userId = (value: string): UserId => {
  const parsed = parseUserId(value);
  if (!parsed.ok) throw new RangeError(`not a user id: ${parsed.error}`);
  return parsed.value;
};
