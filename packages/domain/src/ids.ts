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

export const userId = (value: string): UserId => {
  if (value.length === 0) throw new RangeError('a user id cannot be empty');
  return value as UserId;
};
