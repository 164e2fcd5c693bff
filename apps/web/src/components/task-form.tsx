'use client';

import { useId, useState, type FormEvent } from 'react';
import { PRIORITIES, PRIORITY_LABELS, type TaskFormValues } from '@/lib/task-fields';
import type { Priority } from '@todo/client';

interface TaskFormProps {
  readonly initial: TaskFormValues;
  readonly submitLabel: string;
  /** Resolves true when the task was saved (the form then resets or closes). */
  readonly onSubmit: (values: TaskFormValues) => Promise<boolean>;
  readonly onCancel?: () => void;
  /** Names the form for assistive technology ("Add a task", "Edit Pay rent"). */
  readonly label: string;
}

/** The fields of a task: used to add one and to edit one. */
export function TaskForm({ initial, submitLabel, onSubmit, onCancel, label }: TaskFormProps) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const set = <Key extends keyof TaskFormValues>(key: Key, value: TaskFormValues[Key]) => setValues((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    const saved = await onSubmit(values);
    setBusy(false);
    if (saved && onCancel === undefined) setValues(initial);
  };

  return (
    <form className="task-form" aria-label={label} onSubmit={(event) => void submit(event)}>
      <div className="field field-title">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={values.title} onChange={(event) => set('title', event.target.value)} required maxLength={200} />
      </div>
      <div className="field field-description">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={values.description}
          onChange={(event) => set('description', event.target.value)}
          maxLength={1000}
          rows={2}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select id={`${id}-priority`} value={values.priority} onChange={(event) => set('priority', event.target.value as Priority)}>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          value={values.tags}
          onChange={(event) => set('tags', event.target.value)}
          aria-describedby={`${id}-tags-hint`}
        />
        <span id={`${id}-tags-hint`} className="hint">
          Separated by commas
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-due`}>Due date</label>
        <input id={`${id}-due`} type="datetime-local" value={values.due} onChange={(event) => set('due', event.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
