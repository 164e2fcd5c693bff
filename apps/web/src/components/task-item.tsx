'use client';

import type { Task } from '@todo/client';
import { useEffect, useId, useState } from 'react';
import { formatDue, formValuesOf, PRIORITY_LABELS, type TaskFormValues } from '@/lib/task-fields';
import { TaskForm } from './task-form';

interface TaskItemProps {
  readonly task: Task;
  /** Resolves true when the API took the change. */
  readonly onToggle: (task: Task, completed: boolean) => Promise<boolean>;
  readonly onDelete: (task: Task) => void;
  /** Resolves true when saved. */
  readonly onSave: (task: Task, values: TaskFormValues) => Promise<boolean>;
}

export function TaskItem({ task, onToggle, onDelete, onSave }: TaskItemProps) {
  const id = useId();
  // The task as it was when editing began: saving sends it as If-Match, so a change made meanwhile elsewhere (which
  // live updates bring into `task`) is refused rather than overwritten.
  const [editing, setEditing] = useState<Task | null>(null);
  // The box follows a click at once; the task the list reloads (or a failure) then decides.
  const [checked, setChecked] = useState<boolean | null>(null);
  useEffect(() => setChecked(null), [task]);
  const overdue = !task.completed && task.due_date !== null && new Date(task.due_date).getTime() < Date.now();

  if (editing !== null) {
    return (
      <li className="task editing">
        <TaskForm
          label={`Edit ${editing.title}`}
          initial={formValuesOf(editing)}
          submitLabel="Save"
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const saved = await onSave(editing, values);
            if (saved) setEditing(null);
            return saved;
          }}
        />
      </li>
    );
  }

  return (
    <li className={task.completed ? 'task completed' : 'task'}>
      <input
        id={`${id}-done`}
        type="checkbox"
        checked={checked ?? task.completed}
        onChange={(event) => {
          const completed = event.target.checked;
          setChecked(completed);
          void onToggle(task, completed).then((done) => {
            if (!done) setChecked(null);
          });
        }}
      />
      <div className="task-body">
        <label htmlFor={`${id}-done`} className="task-title">
          {task.title}
        </label>
        {task.description !== null && <p className="task-description">{task.description}</p>}
        <p className="task-meta">
          <span className={`priority priority-${task.priority}`}>{PRIORITY_LABELS[task.priority]} priority</span>
          {task.due_date !== null && (
            <span className={overdue ? 'due overdue' : 'due'}>
              {overdue ? 'Overdue: ' : 'Due '}
              <time dateTime={task.due_date}>{formatDue(task.due_date)}</time>
            </span>
          )}
          {task.tags.length > 0 && (
            <span className="tags">
              <span className="visually-hidden">Tags: </span>
              {task.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </span>
          )}
        </p>
      </div>
      <div className="task-actions">
        <button type="button" className="secondary" onClick={() => setEditing(task)} aria-label={`Edit ${task.title}`}>
          Edit
        </button>
        <button type="button" className="danger" onClick={() => onDelete(task)} aria-label={`Delete ${task.title}`}>
          Delete
        </button>
      </div>
    </li>
  );
}
