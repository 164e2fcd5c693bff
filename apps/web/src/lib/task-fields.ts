import type { Priority, Task } from '@todo/client';

export const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];

export const PRIORITY_LABELS: Record<Priority, string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** What the task form edits, as the inputs hold it. */
export interface TaskFormValues {
  readonly title: string;
  readonly description: string;
  readonly priority: Priority;
  /** Comma-separated. */
  readonly tags: string;
  /** A `datetime-local` value (local time), or ''. */
  readonly due: string;
}

export const EMPTY_TASK_FORM: TaskFormValues = { title: '', description: '', priority: 'medium', tags: '', due: '' };

const pad = (value: number) => String(value).padStart(2, '0');

/** An ISO instant as a `datetime-local` value in the browser's time zone. */
export function localDateTime(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export const formValuesOf = (task: Task): TaskFormValues => ({
  title: task.title,
  description: task.description ?? '',
  priority: task.priority,
  tags: task.tags.join(', '),
  due: localDateTime(task.due_date),
});

/** The wire's fields for the form's values. The title goes as typed: the API trims it and says what is wrong. */
export function taskFieldsOf(values: TaskFormValues) {
  return {
    title: values.title,
    description: values.description.trim() === '' ? null : values.description,
    priority: values.priority,
    tags: values.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    due_date: values.due === '' ? null : new Date(values.due).toISOString(),
  };
}

export function formatDue(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
