'use client';

import type { Priority, TaskListQuery } from '@todo/client';
import { useEffect, useId, useState } from 'react';
import { PRIORITIES, PRIORITY_LABELS } from '@/lib/task-fields';

export interface Filters {
  readonly status: 'all' | 'pending' | 'completed';
  readonly priority: Priority | '';
  readonly tag: string;
  readonly q: string;
  readonly sort: NonNullable<TaskListQuery['sort']>;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
}

export const DEFAULT_FILTERS: Filters = { status: 'all', priority: '', tag: '', q: '', sort: 'created', order: 'desc', limit: 10 };

export const listQueryOf = (filters: Filters): TaskListQuery => ({
  status: filters.status,
  sort: filters.sort,
  order: filters.order,
  limit: filters.limit,
  ...(filters.priority === '' ? {} : { priority: filters.priority }),
  ...(filters.tag.trim() === '' ? {} : { tag: filters.tag.trim() }),
  ...(filters.q.trim() === '' ? {} : { q: filters.q.trim() }),
});

const SORTS: readonly { value: Filters['sort']; label: string }[] = [
  { value: 'created', label: 'Date created' },
  { value: 'updated', label: 'Last updated' },
  { value: 'title', label: 'Title' },
  { value: 'due_date', label: 'Due date' },
  { value: 'priority', label: 'Priority' },
];

/** Typing waits this long before the list is asked again. */
const TYPING_PAUSE_MS = 300;

export function TaskFilters({ filters, onChange }: { readonly filters: Filters; readonly onChange: (filters: Filters) => void }) {
  const id = useId();
  // The text fields update the list once typing pauses; the selects at once.
  const [text, setText] = useState({ tag: filters.tag, q: filters.q });
  useEffect(() => {
    if (text.tag === filters.tag && text.q === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, ...text }), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);

  const select = <Key extends keyof Filters>(key: Key, value: Filters[Key]) => onChange({ ...filters, ...text, [key]: value });

  return (
    <form
      role="search"
      aria-labelledby={`${id}-heading`}
      className="filters"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ ...filters, ...text });
      }}
    >
      <h2 id={`${id}-heading`}>Find tasks</h2>
      <div className="field">
        <label htmlFor={`${id}-q`}>Search</label>
        <input id={`${id}-q`} type="search" value={text.q} onChange={(event) => setText({ ...text, q: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={filters.status} onChange={(event) => select('status', event.target.value as Filters['status'])}>
          <option value="all">All</option>
          <option value="pending">Pending</option>
          <option value="completed">Completed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select
          id={`${id}-priority`}
          value={filters.priority}
          onChange={(event) => select('priority', event.target.value as Filters['priority'])}
        >
          <option value="">Any</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <input id={`${id}-tag`} value={text.tag} onChange={(event) => setText({ ...text, tag: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort by</label>
        <select id={`${id}-sort`} value={filters.sort} onChange={(event) => select('sort', event.target.value as Filters['sort'])}>
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-order`}>Order</label>
        <select id={`${id}-order`} value={filters.order} onChange={(event) => select('order', event.target.value as Filters['order'])}>
          <option value="desc">Descending</option>
          <option value="asc">Ascending</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-limit`}>Per page</label>
        <select id={`${id}-limit`} value={filters.limit} onChange={(event) => select('limit', Number(event.target.value))}>
          {[5, 10, 20, 50].map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
