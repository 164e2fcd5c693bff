/** The source of the current time. Tasks are stamped to the millisecond. */
export interface Clock {
  now(): Date;
}
